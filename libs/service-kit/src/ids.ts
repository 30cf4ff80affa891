import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A random base62 string of `length` characters (rejection sampling: no modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** `org_…`, `pol_…`, `req_…`: a prefixed id with 96+ bits of randomness. */
export const newId = (prefix: string): string => `${prefix}_${randomBase62(18)}`;

/** A secret API key: `gk_…` / `msh_…` with 256 bits of randomness (43 base62 chars). */
export const newSecret = (prefix: 'gk' | 'msh'): string => `${prefix}_${randomBase62(43)}`;
