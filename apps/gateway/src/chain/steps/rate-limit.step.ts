import type { ActivePolicy } from '@llmgov/policy-schema';
import {
  block,
  configOf,
  rulesFor,
  type SyncChainStep,
  type Principal,
  type RateBucket,
  type Verdict,
} from '@llmgov/chain';

const MINUTE = 60_000;
const DAY = 86_400_000;
const withBurst = (rpm: number, burstPct: number): number => Math.floor(rpm * (1 + burstPct / 100));

/**
 * The counters a request of this principal must fit in: org RPM, key RPM (each with the
 * burst allowance), `rate_limit` rules, the plan's daily request quota. Also used to fold
 * peers' `request.admitted` events into the same counters.
 */
export function rateBucketsFor(
  p: Pick<Principal, 'org_id' | 'key_id' | 'team_id' | 'agent_id'>,
  policy: ActivePolicy,
): RateBucket[] {
  const s = policy.document.settings;
  const buckets: RateBucket[] = [];
  if (s.rate_limit_rpm !== null)
    buckets.push({
      key: `org:${p.org_id}`,
      limit: withBurst(s.rate_limit_rpm, s.burst_pct),
      window_ms: MINUTE,
      code: 'rate_limit',
      policy_id: null,
      policy_type: 'rate_limit_rpm',
    });
  if (s.key_rpm !== null)
    buckets.push({
      key: `key:${p.key_id}`,
      limit: withBurst(s.key_rpm, s.burst_pct),
      window_ms: MINUTE,
      code: 'rate_limit',
      policy_id: null,
      policy_type: 'key_rpm',
    });
  for (const rule of rulesFor(policy.document, 'rate_limit', {
    ...p,
    plan: 'free',
    environment: null,
    agent_created_at: null,
  })) {
    const c = configOf(rule);
    buckets.push({
      key: `rule:${rule.id}`,
      limit: withBurst(c.requests_per_minute, c.burst_pct ?? s.burst_pct),
      window_ms: MINUTE,
      code: 'rate_limit',
      policy_id: rule.id,
      policy_type: 'rate_limit',
    });
  }
  if (s.daily_request_quota !== null)
    buckets.push({
      key: `quota:${p.org_id}`,
      limit: s.daily_request_quota,
      window_ms: DAY,
      code: 'plan_quota',
      policy_id: null,
      policy_type: 'daily_request_quota',
    });
  return buckets;
}

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
