import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * What a signer signs and what the digest covers: one version of an org's policy document
 * with the identity fields a refusal cites. Signatures and status are NOT part of it, so
 * adding a signature never changes the digest.
 */
export interface SignedContent {
  org_id: string;
  /** `pdoc_…` */
  policy_id: string;
  policy_version: number;
  /** ISO-8601 UTC. */
  effective_date: string;
  /** The compiled policy document (see `policyDocument`). */
  document: unknown;
}

/** The fields of a `policy.published` event `verifyVersion` reads (structurally typed, so libs/events stays a peer). */
export interface PublishedVersionData extends SignedContent {
  status: 'draft' | 'active' | 'superseded';
  digest: string;
  required_signers: number;
  signatures: { signer: string; signer_key_id: string; signature: string }[];
  /** signer_key_id → base64 SPKI DER Ed25519 public key. */
  signer_keys: Record<string, string>;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * Canonical JSON (RFC 8785, JCS: sorted keys, no whitespace, ECMAScript number form) of the
 * signed content. Extra properties of `content` are dropped, so an event's data can be
 * passed as is. https://www.rfc-editor.org/rfc/rfc8785
 */
export function canonicalJson(content: SignedContent): string {
  const { org_id, policy_id, policy_version, effective_date, document } = content;
  const json = canonicalize({ org_id, policy_id, policy_version, effective_date, document });
  if (json === undefined) throw new Error('policy version is not serialisable');
  return json;
}

/** The bytes a signer signs: UTF-8 of `canonicalJson`. */
export const canonicalBytes = (content: SignedContent): Buffer =>
  Buffer.from(canonicalJson(content), 'utf8');

/** `sha256:<hex>` over the canonical bytes: the version's digest, cited as `policy_attribution.signature`. */
export const digestOf = (content: SignedContent): string =>
  `sha256:${createHash('sha256').update(canonicalBytes(content)).digest('hex')}`;

/**
 * Checks a base64 Ed25519 signature over the canonical bytes with a base64 SPKI DER public
 * key. Malformed keys or signatures verify as false, never throw.
 */
export function verifySignature(
  content: SignedContent,
  signatureB64: string,
  publicKeyB64: string,
): boolean {
  try {
    const key = createPublicKey({
      key: Buffer.from(publicKeyB64, 'base64'),
      format: 'der',
      type: 'spki',
    });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return cryptoVerify(null, canonicalBytes(content), key, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}

/** True when the base64 string is an Ed25519 public key in SPKI DER form. */
export function isEd25519PublicKey(publicKeyB64: string): boolean {
  try {
    return (
      createPublicKey({ key: Buffer.from(publicKeyB64, 'base64'), format: 'der', type: 'spki' })
        .asymmetricKeyType === 'ed25519'
    );
  } catch {
    return false;
  }
}

/**
 * Verifies a published version before anyone enforces it (fail closed, ARCHITECTURE.md
 * principle 4): the digest matches the content, every signature verifies with its signer's
 * key, and an `active` version has at least `required_signers` distinct valid signers.
 */
export function verifyVersion(data: PublishedVersionData): VerifyResult {
  let expected: string;
  try {
    expected = digestOf(data);
  } catch {
    return { ok: false, reason: 'version content is not serialisable' };
  }
  if (data.digest !== expected)
    return { ok: false, reason: `digest mismatch: declared ${data.digest}, computed ${expected}` };
  const signers = new Set<string>();
  for (const s of data.signatures) {
    const key = data.signer_keys[s.signer_key_id];
    if (!key)
      return { ok: false, reason: `no public key for signer '${s.signer}' (${s.signer_key_id})` };
    if (!verifySignature(data, s.signature, key))
      return { ok: false, reason: `invalid signature by '${s.signer}'` };
    signers.add(s.signer);
  }
  if (data.status === 'active' && signers.size < data.required_signers) {
    return {
      ok: false,
      reason: `quorum not met: ${signers.size} of ${data.required_signers} signers`,
    };
  }
  return { ok: true };
}
