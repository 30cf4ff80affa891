import { z } from 'zod';
import { envelope, isoTime, microUsd } from './envelope';
import { defineTopic } from './topic';

const budgetRef = {
  org_id: z.string(),
  scope: z.enum(['org', 'team', 'key', 'agent', 'user', 'session']),
  scope_id: z.string(),
  period: z.enum(['day', 'month', 'session']),
  period_start: isoTime,
  limit_micro_usd: microUsd,
  spent_micro_usd: microUsd,
};

export const BudgetThresholdReached = envelope(
  'budget.threshold_reached',
  z.object({
    ...budgetRef,
    threshold_pct: z.union([z.literal(50), z.literal(80), z.literal(100)]),
  }),
);
export const BudgetExceeded = envelope(
  'budget.exceeded',
  z.object({ ...budgetRef, request_id: z.string().nullable() }),
);

/** Budget alerts from the ledger. Key: the org id. */
export const budgetTopic = defineTopic(
  'budget.alerts.v1',
  'Budget thresholds (50/80/100 %, once per period) and exceeded budgets.',
  'org_id',
  ['budget.threshold_reached', 'budget.exceeded'],
  z.discriminatedUnion('type', [BudgetThresholdReached, BudgetExceeded]),
);
