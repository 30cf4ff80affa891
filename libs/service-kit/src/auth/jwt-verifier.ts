import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { AdminPrincipal } from './principal';

export interface JwtConfig {
  /** HS256 shared secret (JWT_SECRET). */
  secret?: string;
  /** JWKS URL for asymmetric tokens (JWT_JWKS_URL). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

const claims = z.object({
  sub: z.string().min(1),
  org_id: z.string().min(1),
  role: z.enum(['owner', 'admin', 'reviewer', 'viewer']),
});

/** Verifies admin JWTs (claims `sub`, `org_id`, `role`) with a shared secret or a JWKS. */
export class JwtVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey | null;

  constructor(private readonly config: JwtConfig) {
    if (config.jwksUrl) this.key = createRemoteJWKSet(new URL(config.jwksUrl));
    else if (config.secret) this.key = new TextEncoder().encode(config.secret);
    else this.key = null;
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  async verify(token: string): Promise<AdminPrincipal | null> {
    if (!this.key) return null;
    try {
      const options = { issuer: this.config.issuer, audience: this.config.audience };
      const { payload } =
        this.key instanceof Uint8Array
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options);
      const parsed = claims.safeParse(payload);
      if (!parsed.success) return null;
      return {
        kind: 'jwt',
        id: parsed.data.sub,
        org_id: parsed.data.org_id,
        role: parsed.data.role,
        platform_owner: false,
      };
    } catch {
      return null;
    }
  }
}
