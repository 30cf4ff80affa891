import { testTopicPrefix, waitFor } from '@llmgov/testing';
import { startGateway, type GatewayHarness, type Tenant } from './gateway-harness';

/** ~10k prompt tokens echoed back: ≈ $0.0075 on mock/echo, so a $0.01 budget admits exactly one. */
const BIG = {
  model: 'mock/echo',
  max_tokens: 10_000,
  messages: [{ role: 'user', content: 'lorem ipsum '.repeat(3334) }],
};
const SMALL = { model: 'mock/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

const send = (
  gw: GatewayHarness,
  secret: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  fetch(`${gw.base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/**
 * A gateway restarted under the same REPLICA_ID (a pod restarting in place) rebuilds exactly
 * the budgets and rate windows its previous life had spent: its own request events, replayed
 * from Kafka, are folded back in.
 */
describe('POST /v1/chat/completions — a gateway restarted with the same replica id (Kafka)', () => {
  const prefix = testTopicPrefix();
  const REPLICA = `gw-stable-${prefix.replace(/[^A-Za-z0-9]/g, '')}`;
  let gw: GatewayHarness;
  let budget: Tenant;
  let quota: Tenant;
  let session: Tenant;
  let spendBefore = '';

  beforeAll(async () => {
    gw = await startGateway('kafka', {}, null, prefix, REPLICA);
    budget = await gw.tenant({ settings: { daily_budget_usd: 0.01 } });
    quota = await gw.tenant({ settings: { daily_request_quota: 2 } });
    session = await gw.tenant({ settings: { runner_session_budget_usd: 0.01 } });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('spends before the restart', async () => {
    const spent = await send(gw, budget.secret, BIG);
    expect(spent.status).toBe(200);
    spendBefore = spent.headers.get('x-daily-spend-usd')!;
    expect(Number(spendBefore)).toBeGreaterThan(0.007);
    expect((await send(gw, budget.secret, BIG)).status).toBe(403);
    for (let i = 0; i < 2; i++) expect((await send(gw, quota.secret, SMALL)).status).toBe(200);
    expect((await send(gw, session.secret, BIG, { 'x-session-id': 'sess-1' })).status).toBe(200);
  });

  it('refuses after the restart the next request over the daily budget, daily quota, session budget', async () => {
    await gw.close();
    gw = await startGateway('kafka', {}, null, prefix, REPLICA);
    const views = gw.service.views;
    await waitFor(
      () => {
        for (const t of [budget, quota, session])
          if (!views.policies.active(t.orgId) || !views.tenancy.keyBySecret(t.secret))
            throw new Error('views not rebuilt yet');
        if (!views.ready()) throw new Error('replay not done');
      },
      { timeoutMs: 30_000 },
    );

    const overBudget = await send(gw, budget.secret, BIG);
    expect(overBudget.status).toBe(403);
    expect(((await overBudget.json()) as { error: { code: string } }).error.code).toBe(
      'daily_budget',
    );
    expect(overBudget.headers.get('x-daily-spend-usd')).toBe(spendBefore);

    const overQuota = await send(gw, quota.secret, SMALL);
    expect(overQuota.status).toBe(429);
    expect(((await overQuota.json()) as { error: { code: string } }).error.code).toBe('plan_quota');

    const overSession = await send(gw, session.secret, BIG, { 'x-session-id': 'sess-1' });
    expect(overSession.status).toBe(403);
    expect(((await overSession.json()) as { error: { code: string } }).error.code).toBe(
      'runner_session_budget',
    );
    expect((await send(gw, session.secret, BIG, { 'x-session-id': 'sess-2' })).status).toBe(200);
  });
});
