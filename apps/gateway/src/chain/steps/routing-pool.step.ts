import type { SyncChainStep, Verdict } from '@llmgov/chain';
import { routingPoolDecision } from '@llmgov/policy-eval';

/** Step 8: fallback chain length cap; `minimum_safety_score` filter, fail closed (unrated models leave the pool). */
export const routingPoolStep: SyncChainStep = {
  id: 'routing_pool',
  run(ctx): Verdict {
    const requested = 1 + (ctx.request!.fallbacks?.length ?? 0);
    const { pool, verdict } = routingPoolDecision(
      ctx.policy!.document,
      ctx.principal!,
      ctx.candidates,
      requested,
    );
    if (pool) ctx.pool = pool;
    return verdict;
  },
};
