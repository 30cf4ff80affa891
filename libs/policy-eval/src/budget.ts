import { exceedsRemaining, formatUsd, type BudgetLimit } from '@llmgov/budget';
import type { GovernanceSettings } from '@llmgov/policy-schema';
import { block, toMicro, type Block } from '@llmgov/chain';

/** Step 9, first check: the request's estimated maximum cost against `per_request_limit_usd`. */
export function perRequestRefusal(
  settings: Pick<GovernanceSettings, 'per_request_limit_usd'>,
  estimate_micro_usd: number,
): Block | null {
  const limit = settings.per_request_limit_usd;
  if (limit === null || estimate_micro_usd <= toMicro(limit)) return null;
  return block(
    'per_request_limit',
    403,
    `estimated cost $${formatUsd(estimate_micro_usd)} exceeds the per-request limit of $${limit}`,
    {
      policy_type: 'per_request_limit_usd',
      param: 'max_tokens',
      remediation: 'Lower max_tokens or use a cheaper model.',
    },
  );
}

/**
 * The first of `limits` that `estimate_micro_usd` would pass, given what each has used so far
 * (spent and reserved); undefined when it fits them all.
 */
export function firstExceeded(
  limits: readonly BudgetLimit[],
  usedOf: (limit: BudgetLimit) => number,
  estimate_micro_usd: number,
): BudgetLimit | undefined {
  return limits.find((l) => exceedsRemaining(l.limit_micro_usd - usedOf(l), estimate_micro_usd));
}

/** Why a budget refused beyond its remaining amount: this replica's lag share of it. */
export interface BudgetShortfall {
  remaining_micro_usd: number;
  /** Live replicas when this replica's lag share refused, not the budget itself. */
  share_replicas?: number;
  retry_after_s?: number;
}

/** Step 9, second check: the refusal for a budget the request would exceed. */
export function budgetRefusal(
  l: BudgetLimit,
  estimate_micro_usd: number,
  s: BudgetShortfall,
): Block {
  const left = s.share_replicas
    ? `$${formatUsd(s.remaining_micro_usd)} left in this replica's lag share (${s.share_replicas} live replicas)`
    : `$${formatUsd(s.remaining_micro_usd)} left`;
  return block(
    l.code,
    403,
    `${l.label} of $${formatUsd(l.limit_micro_usd)} would be exceeded: ${left}, this request may cost $${formatUsd(estimate_micro_usd)}`,
    {
      ...(s.retry_after_s !== undefined ? { retry_after_s: s.retry_after_s } : {}),
      policy_id: l.policy_id,
      policy_type: policyTypeOf(l),
      remediation:
        s.retry_after_s !== undefined
          ? `Retry after ${s.retry_after_s} s: the budget is near its limit and this replica admitted its share of it for now; the share frees up within a fraction of a second.`
          : l.period === 'session'
            ? 'Start a new runner session or raise runner_session_budget_usd.'
            : `Wait for the next ${l.period} or raise the budget.`,
    },
  );
}

/** The setting or rule type a refused budget comes from (`policy_attribution.policy_type`). */
function policyTypeOf(l: BudgetLimit): string {
  if (l.code === 'budget_limit') return 'budget_limit';
  if (l.code === 'runner_session_budget') return 'runner_session_budget_usd';
  if (l.scope === 'user') return 'user_budgets';
  return 'daily_budget_usd';
}
