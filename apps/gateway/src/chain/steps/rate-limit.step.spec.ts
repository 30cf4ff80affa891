import { ReplicaSet } from '@llmgov/budget';
import { LocalRateLimiter } from '../../views/local-rate-limiter';
import { rateLimitStep } from './rate-limit.step';
import { KEY, prepared, rule, testPolicy, testViews, verdictOf } from '../testing/chain-fixture';

/** Sends n requests through the step with shared views, returns the verdict of the last one. */
function nth(n: number, policy = testPolicy(), dryRun = false) {
  const views = testViews(policy);
  let last = verdictOf(rateLimitStep, prepared({ policy, views, dryRun }));
  for (let i = 1; i < n; i++) last = verdictOf(rateLimitStep, prepared({ policy, views, dryRun }));
  return last;
}

describe('rate_limit step', () => {
  it.each([
    [
      'within the key RPM',
      66,
      testPolicy({ settings: { key_rpm: 60, burst_pct: 10 } }),
      { kind: 'allow', code: null },
    ],
    [
      'past key RPM + burst',
      67,
      testPolicy({ settings: { key_rpm: 60, burst_pct: 10 } }),
      { kind: 'block', code: 'rate_limit', status: 429 },
    ],
    [
      'past the org RPM',
      6,
      testPolicy({ settings: { rate_limit_rpm: 5, key_rpm: null, burst_pct: 0 } }),
      { kind: 'block', code: 'rate_limit', status: 429 },
    ],
    [
      'past a rate_limit rule',
      4,
      testPolicy({ rules: [rule('rate_limit', { requests_per_minute: 3, burst_pct: 0 })] }),
      { kind: 'block', code: 'rate_limit', status: 429 },
    ],
    [
      'past the plan daily quota',
      3,
      testPolicy({ settings: { daily_request_quota: 2 } }),
      { kind: 'block', code: 'plan_quota', status: 429 },
    ],
    [
      'unlimited (enterprise)',
      200,
      testPolicy({ plan: 'enterprise' }),
      { kind: 'allow', code: null },
    ],
  ])('%s', (_n, n, policy, expected) => {
    expect(nth(n, policy)).toEqual(expected);
  });

  it('does not count explain (dry-run) requests', () => {
    expect(nth(10, testPolicy({ settings: { key_rpm: 1, burst_pct: 0 } }), true)).toEqual({
      kind: 'allow',
      code: null,
    });
  });

  it('reports the tightest bucket for the headers and a Retry-After on refusal', () => {
    const policy = testPolicy({ settings: { key_rpm: 2, burst_pct: 0 } });
    const views = testViews(policy);
    const first = prepared({ policy, views });
    rateLimitStep.run(first);
    expect(first.rate).toMatchObject({
      allowed: true,
      remaining: 1,
      bucket: { key: `key:${KEY}`, limit: 2 },
    });
    rateLimitStep.run(prepared({ policy, views }));
    const v = rateLimitStep.run(prepared({ policy, views }));
    expect(v).toMatchObject({ kind: 'block', retry_after_s: expect.any(Number) });
  });

  it('with live peers, near the limit: 429 naming the lag share, Retry-After 1 s', () => {
    const policy = testPolicy({ settings: { key_rpm: 10, burst_pct: 0 } });
    const set = new ReplicaSet({ self: 'gw-a', timeout_ms: 1e9 });
    set.heartbeat('gw-b', Date.now());
    const views = { ...testViews(policy), rate: new LocalRateLimiter(set) };
    expect(rateLimitStep.run(prepared({ policy, views }))).toEqual({ kind: 'allow' });
    const v = rateLimitStep.run(prepared({ policy, views }));
    expect(v).toMatchObject({ kind: 'block', code: 'rate_limit', status: 429, retry_after_s: 1 });
    expect(JSON.stringify(v)).toContain("this replica's lag share over 2 live replicas");
  });
});
