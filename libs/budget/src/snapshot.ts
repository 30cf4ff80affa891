import { z } from 'zod';

const counter = z.object({
  org_id: z.string(),
  scope: z.enum(['org', 'team', 'key', 'agent', 'user', 'session']),
  scope_id: z.string(),
  period: z.enum(['day', 'month', 'session']),
  period_start: z.string(),
  spent_micro_usd: z.number().int(),
});

const reservation = z.object({
  request_id: z.string(),
  org_id: z.string(),
  team_id: z.string().nullable(),
  key_id: z.string(),
  agent_id: z.string().nullable(),
  session_id: z.string().nullable(),
  end_user: z.string().nullable().optional(),
  amount_micro_usd: z.number().int(),
  admitted_at: z.string(),
  expires_at: z.string(),
  replica_id: z.string(),
});

/**
 * What the ledger answers at `GET /budgets/snapshot` and a gateway replica loads at start
 * (docs/budgets.md "Restart"): settled spend of every current-period counter, the open
 * reservations, the ids of recently completed requests (to drop stream events the
 * snapshot already reflects) and the stream position it reflects.
 */
export const budgetSnapshot = z.object({
  /** Time of the newest `gateway.requests.v1` event folded in (null: none yet). */
  as_of: z.string().nullable(),
  generated_at: z.string(),
  /** Next offset the ledger will read, per partition of the requests topic. */
  positions: z.array(
    z.object({ topic: z.string(), partition: z.number().int(), next_offset: z.string() }),
  ),
  counters: z.array(counter),
  reservations: z.array(reservation),
  recent_completed_request_ids: z.array(z.string()),
});
export type BudgetSnapshot = z.infer<typeof budgetSnapshot>;
export type SnapshotCounter = z.infer<typeof counter>;
export type SnapshotReservation = z.infer<typeof reservation>;
