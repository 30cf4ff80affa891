import { BudgetExceeded, BudgetThresholdReached } from '@llmgov/events';
import type { BudgetLimit } from '@llmgov/budget';
import type { z } from 'zod';

export type BudgetAlertEvent =
  z.infer<typeof BudgetThresholdReached> | z.infer<typeof BudgetExceeded>;

/** What can be alerted once per budget period. */
export type AlertKind = 50 | 80 | 100 | 'exceeded';
const THRESHOLDS = [50, 80, 100] as const;

/**
 * The alerts a budget has reached at `spent`: each threshold of 50/80/100 % of the limit,
 * and `exceeded` once spend passes it. The caller emits only those not yet emitted this
 * period (the ledger's alert table), so each fires once per budget period.
 */
export function reachedAlerts(limit: BudgetLimit, spent_micro_usd: number): AlertKind[] {
  if (spent_micro_usd <= 0) return [];
  const out: AlertKind[] = THRESHOLDS.filter(
    (pct) => spent_micro_usd * 100 >= limit.limit_micro_usd * pct,
  );
  if (spent_micro_usd > limit.limit_micro_usd) out.push('exceeded');
  return out;
}

/** The event of an alert; the id and time come in as arguments. */
export function alertEvent(
  limit: BudgetLimit,
  kind: AlertKind,
  spent_micro_usd: number,
  request_id: string | null,
  id: string,
  now: Date,
): BudgetAlertEvent {
  const ref = {
    org_id: limit.org_id,
    scope: limit.scope,
    scope_id: limit.scope_id,
    period: limit.period,
    period_start: new Date(limit.period_start).toISOString(),
    limit_micro_usd: limit.limit_micro_usd,
    spent_micro_usd,
  };
  const base = { id, source: 'budget-ledger', time: now.toISOString(), subject: limit.org_id };
  return kind === 'exceeded'
    ? { ...base, type: 'budget.exceeded', data: { ...ref, request_id } }
    : { ...base, type: 'budget.threshold_reached', data: { ...ref, threshold_pct: kind } };
}
