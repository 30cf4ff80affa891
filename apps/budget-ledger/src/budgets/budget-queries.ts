import { z } from 'zod';

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());

/** `GET /budgets/spend` query. */
export const spendQuery = z
  .object({
    group_by: z.enum(['org', 'team', 'key', 'agent', 'model', 'tag', 'user']),
    period: z.enum(['day', 'month']).default('day'),
    from: isoDate.optional(),
    to: isoDate.optional(),
    org_id: z.string().optional(),
  })
  .strict();

/** `GET /budgets/status` query. */
export const statusQuery = z.object({ org_id: z.string().optional() }).strict();
