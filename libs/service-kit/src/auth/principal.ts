import type { AdminRole } from './tenancy-directory';

/** Who is calling an admin route. */
export interface AdminPrincipal {
  /** How they authenticated: an admin key, a JWT, or the bootstrap key. */
  kind: 'admin_key' | 'jwt' | 'bootstrap';
  /** The admin key id or the JWT subject: what audit records as the actor. */
  id: string;
  /** Their org; null for the platform owner, who acts across orgs. */
  org_id: string | null;
  role: AdminRole;
  platform_owner: boolean;
}

/** The audit actor of a principal (events' `actor`). */
export const actorOf = (p: AdminPrincipal) => ({ kind: p.kind, id: p.id });
