import { periodStartIso } from '@llmgov/budget';
import { testTopicPrefix, waitFor } from '@llmgov/testing';
import { startGateway, type GatewayHarness, type Tenant } from './gateway-harness';

/** Two gateway replicas over one Kafka: each folds the other's `request.admitted` into its counters. */
describe('POST /v1/chat/completions — cluster-wide limits (two replicas, Kafka)', () => {
  let a: GatewayHarness;
  let b: GatewayHarness;
  let t: Tenant;
  const costs: number[] = [];
  const send = (gw: GatewayHarness) =>
    fetch(`${gw.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'mock/echo',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });

  beforeAll(async () => {
    const prefix = testTopicPrefix();
    a = await startGateway('kafka', {}, null, prefix);
    b = await startGateway('kafka', {}, null, prefix);
    t = await a.tenant({
      plan: 'growth',
      settings: { key_rpm: 4, burst_pct: 0, rate_limit_rpm: 1000 },
    });
    await waitFor(
      () => {
        if (
          !b.service.views.policies.active(t.orgId) ||
          !b.service.views.tenancy.keyBySecret(t.secret)
        )
          throw new Error('replica b not loaded');
      },
      { timeoutMs: 30_000 },
    );
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("refuses on one replica once the key's RPM is used up across both", async () => {
    // Near a 4 rpm limit each replica admits one request per propagation lag (its lag share).
    for (const gw of [a, b, a, b]) {
      if (gw === a && costs.length === 2) await new Promise((r) => setTimeout(r, 1_300));
      const res = await send(gw);
      expect(res.status).toBe(200);
      costs.push(Math.round(Number(res.headers.get('x-cost-usd')) * 1e6));
    }
    // a has counted 2 itself; it refuses once b's two admissions have arrived (propagation lag:
    // milliseconds on a quiet broker; a CI run saw over 10 s while the shared broker moved
    // partition leaders. How fast is `npm run bench publish`'s to say, not this test's).
    await waitFor(
      () => {
        const remaining = a.service.views.rate.check(
          [
            {
              key: `key:${t.keyId}`,
              limit: 4,
              window_ms: 60_000,
              code: 'rate_limit',
              policy_id: null,
              policy_type: 'key_rpm',
            },
          ],
          Date.now(),
          false,
        );
        expect(remaining.allowed).toBe(false);
      },
      { timeoutMs: 40_000 },
    );
    const refused = await send(a);
    expect(refused.status).toBe(429);
  });

  it("charges every replica's spend to the org's daily budget on each replica", async () => {
    const orgDay = {
      org_id: t.orgId,
      scope: 'org' as const,
      scope_id: t.orgId,
      period: 'day' as const,
      period_start: periodStartIso('day', new Date()),
      limit_micro_usd: 0,
      code: 'daily_budget' as const,
      policy_id: null,
      label: '',
    };
    const total = costs.reduce((x, y) => x + y, 0);
    expect(total).toBeGreaterThan(0);
    await waitFor(
      () => {
        expect(a.service.views.budget.used(orgDay)).toBe(total);
        expect(b.service.views.budget.used(orgDay)).toBe(total);
      },
      { timeoutMs: 10_000 },
    );
  });
});
