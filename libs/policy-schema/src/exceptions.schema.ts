import { z } from 'zod';

/** A time-limited, scoped exemption from one check, with approver, reason and expiry. */
export const policyException = z
  .object({
    id: z.string(),
    kind: z.enum(['pii_pattern', 'model', 'content_category', 'provider']),
    /** The exempted thing: a PII pattern name, a model id, a category, a provider. */
    target: z.string().min(1),
    scope: z.enum(['org', 'team', 'agent', 'key']),
    scope_id: z.string().nullable(),
    approver: z.string().min(1),
    reason: z.string().min(1),
    expires_at: z.string().datetime({ offset: true }),
    created_at: z.string(),
  })
  .strict();
export type PolicyException = z.infer<typeof policyException>;

/** The longest an exception may run: a standing exemption belongs in the policy itself. */
export const MAX_EXCEPTION_DAYS = 90;

/** `POST /governance/exceptions`: the approver is the caller, the id and creation time the registry's. */
export const createExceptionInput = policyException
  .pick({ kind: true, target: true, scope: true, reason: true, expires_at: true })
  .extend({
    scope: policyException.shape.scope.default('org'),
    scope_id: z.string().min(1).nullable().optional(),
    reason: z.string().min(1).max(2000),
  })
  .strict();
export type CreateExceptionInput = z.infer<typeof createExceptionInput>;
