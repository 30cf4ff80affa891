import { budgetLimitsFor } from '@llmgov/budget';
import { block, endUserOf, type ChainStep, type Verdict } from '@llmgov/chain';
import { budgetRefusal, perRequestRefusal } from '@llmgov/policy-eval';
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
    const perRequest = perRequestRefusal(doc.settings, estimate.cost_micro_usd);
    if (perRequest) return perRequest;
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
    if (!result.ok) return budgetRefusal(result.limit, estimate.cost_micro_usd, result);
    if (!ctx.dry_run) ctx.reserved_micro_usd = estimate.cost_micro_usd;
    return { kind: 'allow' };
  },
};
