import { formatUsd, periodStartIso, type BudgetLimit } from '@llmgov/budget';
import type { ChainContext, RateDecision } from '@llmgov/chain';
import { rateBucketsFor } from '@llmgov/policy-eval';
import type { Headers } from './http';

function orgDay(ctx: ChainContext): BudgetLimit | null {
  const p = ctx.principal;
  if (!p) return null;
  return (
    ctx.budget_limits.find((l) => l.scope === 'org' && l.period === 'day') ?? {
      org_id: p.org_id,
      scope: 'org',
      scope_id: p.org_id,
      period: 'day',
      period_start: periodStartIso('day', ctx.now),
      limit_micro_usd: 0,
      code: 'daily_budget',
      policy_id: null,
      label: 'org daily budget',
    }
  );
}

function rateOf(ctx: ChainContext): RateDecision | null {
  if (ctx.rate) return ctx.rate;
  if (!ctx.principal || !ctx.policy) return null;
  return ctx.views.rate.check(rateBucketsFor(ctx.principal, ctx.policy), ctx.now.getTime(), false);
}

/**
 * The governance headers of CONTRACT.md, on every response: request id, chain time,
 * rate-limit fields (seed `RateLimit-*`, the `X-RateLimit-*` trio, IETF draft
 * `RateLimit-Policy`/`RateLimit`), cost, daily spend and budget, policy version.
 * Rate and budget fields need a caller: a 401 carries the rest.
 */
export function governanceHeaders(
  ctx: ChainContext,
  governanceMs: number,
  costMicroUsd: number,
  retryAfterS?: number,
): Headers {
  const h: Headers = {
    'x-request-id': ctx.request_id,
    'x-governance-time-ms': governanceMs.toFixed(3),
    'x-cost-usd': formatUsd(costMicroUsd),
    'x-policy-version': ctx.policy ? String(ctx.policy.policy_version) : 'none',
  };
  const rate = rateOf(ctx);
  if (rate?.bucket) {
    const reset = Math.max(0, Math.ceil(rate.reset_ms / 1000));
    const limit = String(rate.bucket.limit);
    const remaining = String(Math.max(0, rate.remaining));
    h['ratelimit-limit'] = limit;
    h['ratelimit-remaining'] = remaining;
    h['ratelimit-reset'] = String(reset);
    h['x-ratelimit-limit'] = limit;
    h['x-ratelimit-remaining'] = remaining;
    h['x-ratelimit-reset'] = String(Math.ceil((ctx.now.getTime() + rate.reset_ms) / 1000));
    h['ratelimit-policy'] = `"default";q=${limit};w=${Math.round(rate.bucket.window_ms / 1000)}`;
    h.ratelimit = `"default";r=${remaining};t=${reset}`;
  }
  if (retryAfterS !== undefined) h['retry-after'] = String(retryAfterS);
  const day = orgDay(ctx);
  if (day && ctx.policy) {
    h['x-daily-spend-usd'] = formatUsd(ctx.views.budget.used(day));
    const limit = ctx.policy.document.settings.daily_budget_usd;
    h['x-daily-budget-usd'] =
      limit === null ? 'unlimited' : formatUsd(Math.round(limit * 1_000_000));
  }
  return h;
}
