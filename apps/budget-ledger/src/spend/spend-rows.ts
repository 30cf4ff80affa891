import {
  countersFor,
  periodStartIso,
  type BudgetPrincipal,
  type RequestCompletedEvent,
} from '@llmgov/budget';

/** What spend is grouped by (`GET /budgets/spend?group_by=`); sessions too, for session budgets. */
export type SpendDimension =
  'org' | 'team' | 'key' | 'agent' | 'session' | 'model' | 'tag' | 'user';

/** One increment of the spend projection. */
export interface SpendRow {
  org_id: string;
  dimension: SpendDimension;
  dimension_id: string;
  period: 'day' | 'month' | 'session';
  period_start: string;
  cost_micro_usd: number;
}

/**
 * The spend rows a completed request adds: every budget counter of its principal (the same
 * counters a gateway's ReservationBook charges, its end user's included) plus its model and cost tags, for the UTC
 * day and month it started in.
 */
export function spendRowsFor(d: RequestCompletedEvent['data']): SpendRow[] {
  const at = new Date(d.started_at);
  const principal: BudgetPrincipal = {
    org_id: d.org_id,
    team_id: d.team_id,
    key_id: d.key_id,
    agent_id: d.agent_id,
    session_id: d.session_id,
    end_user: d.end_user ?? null,
  };
  const rows: SpendRow[] = countersFor(principal, at).map((c) => ({
    org_id: c.org_id,
    dimension: c.scope,
    dimension_id: c.scope_id,
    period: c.period,
    period_start: c.period_start,
    cost_micro_usd: d.cost_micro_usd,
  }));
  const extra: [SpendDimension, string][] = [
    ['model', d.model],
    ...[...new Set(d.tags)].map((t): [SpendDimension, string] => ['tag', t]),
  ];
  for (const [dimension, dimension_id] of extra) {
    for (const period of ['day', 'month'] as const) {
      rows.push({
        org_id: d.org_id,
        dimension,
        dimension_id,
        period,
        period_start: periodStartIso(period, at),
        cost_micro_usd: d.cost_micro_usd,
      });
    }
  }
  return rows;
}
