import type { BudgetPeriod } from './periods';
import { periodStartIso } from './periods';

/** The levels a budget can sit at (budget.events.ts `scope`). */
export type BudgetScope = 'org' | 'team' | 'key' | 'agent' | 'user' | 'session';

/** The refusal code of each kind of budget (CONTRACT.md §2). */
export type BudgetCode = 'daily_budget' | 'budget_limit' | 'runner_session_budget';

/** Who a request is charged to. */
export interface BudgetPrincipal {
  org_id: string;
  team_id: string | null;
  key_id: string;
  agent_id: string | null;
  session_id: string | null;
  /** The end user (OpenAI `user`, Anthropic `metadata.user_id`); absent or null: none. */
  end_user?: string | null;
}

/** One budget that applies to a request, in the period that contains the request's time. */
export interface BudgetLimit {
  org_id: string;
  scope: BudgetScope;
  scope_id: string;
  period: BudgetPeriod;
  /** ISO start of the UTC day / month; the epoch for sessions. */
  period_start: string;
  limit_micro_usd: number;
  code: BudgetCode;
  /** The `budget_limit` rule id, or null for a limit from the org settings. */
  policy_id: string | null;
  /** Human wording for refusal messages, e.g. `team team_x daily budget`. */
  label: string;
}

/**
 * Whether `amount_micro_usd` would pass a budget with `remaining_micro_usd` left: an exhausted
 * budget refuses even a request priced at zero. The one rule of the reservation book and of
 * the registry's shadow evaluation.
 */
export const exceedsRemaining = (remaining_micro_usd: number, amount_micro_usd: number): boolean =>
  remaining_micro_usd <= 0 || amount_micro_usd > remaining_micro_usd;

/**
 * A spend counter: what is charged, per scope and period. Every request is charged to all
 * counters of its principal (whether or not a budget sits on them today), so a budget
 * added mid-period sees the period's spend so far.
 */
export interface CounterRef {
  org_id: string;
  scope: BudgetScope;
  scope_id: string;
  period: BudgetPeriod;
  period_start: string;
}

/** The map key of a counter. */
export function counterKey(c: CounterRef): string {
  return `${c.org_id}|${c.scope}|${c.scope_id}|${c.period}|${c.period_start}`;
}

/** Parses a key made by `counterKey`. */
export function parseCounterKey(key: string): CounterRef {
  const [org_id, scope, scope_id, period, period_start] = key.split('|');
  return {
    org_id,
    scope: scope as BudgetScope,
    scope_id,
    period: period as BudgetPeriod,
    period_start,
  };
}

/** Every counter a request of `principal` started at `at` is charged to. */
export function countersFor(principal: BudgetPrincipal, at: Date): CounterRef[] {
  const out: CounterRef[] = [];
  const levels: [BudgetScope, string | null][] = [
    ['org', principal.org_id],
    ['team', principal.team_id],
    ['key', principal.key_id],
    ['agent', principal.agent_id],
    ['user', principal.end_user ?? null],
  ];
  for (const [scope, id] of levels) {
    if (!id) continue;
    for (const period of ['day', 'month'] as const) {
      out.push({
        org_id: principal.org_id,
        scope,
        scope_id: id,
        period,
        period_start: periodStartIso(period, at),
      });
    }
  }
  if (principal.session_id) {
    out.push({
      org_id: principal.org_id,
      scope: 'session',
      scope_id: principal.session_id,
      period: 'session',
      period_start: periodStartIso('session', at),
    });
  }
  return out;
}
