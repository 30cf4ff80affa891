import { budgetLimitsFor, formatUsd, type BudgetLimit } from '@llmgov/budget';
import { block, endUserOf, toMicro, type ChainStep, type Verdict } from '@llmgov/chain';
import { estimateCost } from '../cost';

/**
 * Step 9: estimates the maximum cost over the routing pool (every choice of `n` may spend
 * max_tokens; what cannot be priced is a 400), checks the per-request limit,
 * then reserves it on every budget at once (org → team → key → end-user daily, `budget_limit`
 * rules, runner session), all or nothing.
 */
export const budgetStep: ChainStep = {
  id: 'budget',
  run(ctx): Verdict {
    const doc = ctx.policy!.document;
    const s = doc.settings;
    const estimate = estimateCost(
      ctx.request!,
      ctx.pool.map((m) => m.entry),
    );
    if (!Number.isSafeInteger(estimate.cost_micro_usd)) {
      const what = `max_tokens × n (${estimate.max_output_tokens} output tokens) is too large to price`;
      const remediation = 'Ask for fewer output tokens or choices.';
      return block('invalid_request', 400, what, { param: 'max_tokens', remediation });
    }
    ctx.estimate = estimate;
    if (
      s.per_request_limit_usd !== null &&
      estimate.cost_micro_usd > toMicro(s.per_request_limit_usd)
    ) {
      return block(
        'per_request_limit',
        403,
        `estimated cost $${formatUsd(estimate.cost_micro_usd)} exceeds the per-request limit of $${s.per_request_limit_usd}`,
        {
          policy_type: 'per_request_limit_usd',
          param: 'max_tokens',
          remediation: 'Lower max_tokens or use a cheaper model.',
        },
      );
    }
    const p = ctx.principal!;
    const principal = {
      org_id: p.org_id,
      team_id: p.team_id,
      key_id: p.key_id,
      agent_id: p.agent_id,
      session_id: ctx.meta!.session_id,
      end_user: endUserOf(ctx.request),
    };
    const limits = budgetLimitsFor(doc, principal, ctx.now);
    ctx.budget_limits = limits;
    const result = ctx.views.budget.reserve(
      ctx.request_id,
      principal,
      limits,
      estimate.cost_micro_usd,
      ctx.now,
      !ctx.dry_run,
    );
    if (!result.ok) {
      const l = result.limit;
      const left = result.share_replicas
        ? `$${formatUsd(result.remaining_micro_usd)} left in this replica's lag share (${result.share_replicas} live replicas)`
        : `$${formatUsd(result.remaining_micro_usd)} left`;
      return block(
        l.code,
        403,
        `${l.label} of $${formatUsd(l.limit_micro_usd)} would be exceeded: ${left}, this request may cost $${formatUsd(estimate.cost_micro_usd)}`,
        {
          ...(result.retry_after_s !== undefined ? { retry_after_s: result.retry_after_s } : {}),
          policy_id: l.policy_id,
          policy_type: policyTypeOf(l),
          remediation:
            result.retry_after_s !== undefined
              ? `Retry after ${result.retry_after_s} s: the budget is near its limit and this replica admitted its share of it for now; the share frees up within a fraction of a second.`
              : l.period === 'session'
                ? 'Start a new runner session or raise runner_session_budget_usd.'
                : `Wait for the next ${l.period} or raise the budget.`,
        },
      );
    }
    if (!ctx.dry_run) ctx.reserved_micro_usd = estimate.cost_micro_usd;
    return { kind: 'allow' };
  },
};

/** The setting or rule type a refused budget comes from (`policy_attribution.policy_type`). */
function policyTypeOf(l: BudgetLimit): string {
  if (l.code === 'budget_limit') return 'budget_limit';
  if (l.code === 'runner_session_budget') return 'runner_session_budget_usd';
  if (l.scope === 'user') return 'user_budgets';
  return 'daily_budget_usd';
}
