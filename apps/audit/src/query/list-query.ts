import { z } from 'zod';

/**
 * Digits within Number's exact range: above 2^53 they lose precision, and from 1e21 on
 * `String(n)` is `1e+21`, which Postgres does not take as bigint (it answered 500, issue 17).
 */
const integer = (what: string) =>
  z
    .string()
    .regex(/^\d+$/, `expected ${what} (digits)`)
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), `must be at most ${Number.MAX_SAFE_INTEGER}`);
const position = integer('a position');
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
    policy_version: integer('an integer').optional(),
    from: time.optional(),
    to: time.optional(),
    cursor: position.optional(),
    limit: z
      .string()
      .regex(/^\d+$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(500))
      .optional(),
  })
  .strict();
export type ListQuery = z.infer<typeof listQuery>;

/**
 * `from` / `to` of export and verify: ISO-8601 times (on `recorded_at`, the log's own
 * clock, so the range is a contiguous run of positions) or plain positions.
 */
const bound = z.union([position, time.transform((t) => new Date(t))]);
export const rangeQuery = z
  .object({ org_id: z.string().min(1).optional(), from: bound.optional(), to: bound.optional() })
  .strict();
export const exportQuery = rangeQuery
  .extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') })
  .strict();
export type RangeQuery = z.infer<typeof rangeQuery>;
export type Bound = number | Date;
