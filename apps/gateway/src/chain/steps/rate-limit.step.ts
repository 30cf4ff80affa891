import { block, type SyncChainStep, type Verdict } from '@llmgov/chain';
import { rateBucketsFor } from '@llmgov/policy-eval';

/** Step 4: counts the request in every bucket at once, or refuses with 429 and Retry-After. */
export const rateLimitStep: SyncChainStep = {
  id: 'rate_limit',
  run(ctx): Verdict {
    const buckets = rateBucketsFor(ctx.principal!, ctx.policy!);
    const decision = ctx.views.rate.check(buckets, ctx.now.getTime(), !ctx.dry_run);
    ctx.rate = decision;
    if (decision.allowed || !decision.bucket) return { kind: 'allow' };
    const b = decision.bucket;
    const retry = Math.max(1, Math.ceil(decision.reset_ms / 1000));
    const what =
      b.code === 'plan_quota'
        ? `daily request quota of ${b.limit} reached`
        : `${b.limit} requests per minute exceeded (${b.key.split(':')[0]})`;
    const near = decision.share_replicas
      ? ` — near the limit: this replica's lag share over ${decision.share_replicas} live replicas is in use`
      : '';
    return block(b.code, 429, what + near, {
      policy_id: b.policy_id,
      policy_type: b.policy_type,
      retry_after_s: retry,
      remediation: `Retry after ${retry} s.`,
    });
  },
};
