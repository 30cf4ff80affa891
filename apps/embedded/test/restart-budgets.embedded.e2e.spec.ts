import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyViolatedTopic, requestsTopic } from '@llmgov/events';
import { newSecret } from '@llmgov/service-kit';
import { freePort, waitFor } from '@llmgov/testing';
import { loadConfig } from '../src/config';
import { startEmbedded, type Embedded } from '../src/embedded';
import { OrgAdmin, call, chat } from './harness/admin';

/** ~10k prompt tokens echoed back: ≈ $0.0075 on mock/echo, so a $0.01 budget admits exactly one. */
const BIG = {
  model: 'mock/echo',
  max_tokens: 10_000,
  messages: [{ role: 'user', content: 'lorem ipsum '.repeat(3334) }],
};
const SMALL = { model: 'mock/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

/**
 * The embedded mode stopped and started again on its DATA_DIR rebuilds exactly the budgets
 * and rate windows it had: the replayed event log's request events count again. The log
 * compacts at start (and here once more while running): consumed history goes, the
 * current month's request events stay (docs/limits.md).
 */
describe('POST /v1/chat/completions — embedded mode restarted on its data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-restart-'));
  const bootstrapKey = newSecret('msh');
  let embedded: Embedded | undefined;
  let base = '';
  let port = 0;
  /** Starts on the same port each time: the org admins keep its URL. */
  const start = async () => {
    port ||= await freePort();
    embedded = await startEmbedded(
      loadConfig({
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        BOOTSTRAP_ADMIN_KEY: bootstrapKey,
        LOG_LEVEL: 'error',
        DEMO: 'off',
      }),
    );
    base = `http://127.0.0.1:${port}`;
  };
  const keys = { budget: '', quota: '', session: '', monthly: '' };
  const orgs: OrgAdmin[] = [];
  let spendBefore = '';

  beforeAll(async () => {
    await start();
    const settings = [
      { daily_budget_usd: 0.01 },
      { daily_request_quota: 2 },
      { runner_session_budget_usd: 0.01 },
    ];
    for (const [i, name] of (['budget', 'quota', 'session', 'monthly'] as const).entries()) {
      const org = await OrgAdmin.create(base, bootstrapKey, { name, plan: 'growth' });
      keys[name] = (await org.key({ kind: 'gateway', name })).key;
      if (settings[i]) await org.settings(settings[i]);
      else await org.rule('budget_limit', { monthly_limit_usd: 0.01 });
      await org.untilEnforced([base], keys[name]);
      orgs.push(org);
    }
  }, 120_000);
  afterAll(async () => {
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('spends before the restart', async () => {
    const spent = await chat(base, keys.budget, BIG);
    expect(spent.status).toBe(200);
    spendBefore = spent.headers.get('x-daily-spend-usd')!;
    expect(Number(spendBefore)).toBeGreaterThan(0.007);
    expect((await chat(base, keys.budget, BIG)).status).toBe(403);
    for (let i = 0; i < 2; i++) expect((await chat(base, keys.quota, SMALL)).status).toBe(200);
    expect((await chat(base, keys.session, BIG, { 'x-session-id': 'sess-1' })).status).toBe(200);
    expect((await chat(base, keys.monthly, BIG)).status).toBe(200);
    // The refusals' violation events, handled by every group that reads them: history to trim.
    const bus = embedded!.bus;
    await waitFor(() => {
      for (const group of ['audit.log.policy.violated', 'audit.webhooks.policy.violated'])
        expect(bus.committedOffset(policyViolatedTopic.name, group)).toBeGreaterThanOrEqual(1);
    });
  });

  it('refuses after the restart and a compaction the next request over the daily budget, daily quota, session budget, monthly budget', async () => {
    await embedded!.stop();
    embedded = undefined;
    await start();
    await embedded!.bus.compact();
    // Compacted: the consumed violations are gone, this month's request events are not.
    expect(embedded!.bus.baseOffset(policyViolatedTopic.name)).toBeGreaterThanOrEqual(1);
    expect(embedded!.bus.baseOffset(requestsTopic.name)).toBe(0);
    for (const [i, name] of (['budget', 'quota', 'session', 'monthly'] as const).entries())
      await orgs[i]!.untilEnforced([base], keys[name]);
    await waitFor(async () => expect((await call(`${base}/health/ready`)).status).toBe(200), {
      timeoutMs: 30_000,
    });

    const overBudget = await chat(base, keys.budget, BIG);
    expect(overBudget.status).toBe(403);
    expect(overBudget.body.error.code).toBe('daily_budget');
    expect(overBudget.headers.get('x-daily-spend-usd')).toBe(spendBefore);

    const overQuota = await chat(base, keys.quota, SMALL);
    expect(overQuota.status).toBe(429);
    expect(overQuota.body.error.code).toBe('plan_quota');

    const overSession = await chat(base, keys.session, BIG, { 'x-session-id': 'sess-1' });
    expect(overSession.status).toBe(403);
    expect(overSession.body.error.code).toBe('runner_session_budget');
    expect((await chat(base, keys.session, BIG, { 'x-session-id': 'sess-2' })).status).toBe(200);

    const overMonthly = await chat(base, keys.monthly, BIG);
    expect(overMonthly.status).toBe(403);
    expect(overMonthly.body.error.code).toBe('budget_limit');
  });
});
