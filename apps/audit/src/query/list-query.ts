import { z } from 'zod';

const position = z.string().regex(/^\d+$/, 'expected a position (digits)').transform(Number);
const time = z.iso.datetime({ offset: true });

/** `GET /audit/events` query: filters, newest first, cursor = the last position seen. */
export const listQuery = z
  .object({
    org_id: z.string().min(1).optional(),
    type: z.string().min(1).optional(),
    agent_id: z.string().min(1).optional(),
    key_id: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    step: z.string().min(1).optional(),
    code: z.string().min(1).optional(),
    actor: z.string().min(1).optional(),
    request_id: z.string().min(1).optional(),
    policy_version: z.string().regex(/^\d+$/, 'expected an integer').transform(Number).optional(),
    from: time.optional(),
    to: time.optional(),
    cursor: position.optional(),
    limit: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(500)).optional(),
  })
  .strict();
export type ListQuery = z.infer<typeof listQuery>;

/**
 * `from` / `to` of export and verify: ISO-8601 times (on `recorded_at`, the log's own
 * clock, so the range is a contiguous run of positions) or plain positions.
 */
const bound = z.union([position, time.transform((t) => new Date(t))]);
export const rangeQuery = z.object({ org_id: z.string().min(1).optional(), from: bound.optional(), to: bound.optional() }).strict();
export const exportQuery = rangeQuery.extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') }).strict();
export type RangeQuery = z.infer<typeof rangeQuery>;
export type Bound = number | Date;
