import { z } from 'zod';

/** Who did an admin action: an admin key id, a JWT subject, the bootstrap key or the system. */
export const actor = z.object({
  kind: z.enum(['admin_key', 'jwt', 'bootstrap', 'system']),
  id: z.string(),
});
export type Actor = z.infer<typeof actor>;

export const plan = z.enum(['free', 'starter', 'growth', 'enterprise']);
export const adminRole = z.enum(['owner', 'admin', 'reviewer', 'viewer']);
