import type { ActivePolicy } from '@llmgov/policy-schema';
import { configOf, rulesFor, type Principal, type RateBucket } from '@llmgov/chain';

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
