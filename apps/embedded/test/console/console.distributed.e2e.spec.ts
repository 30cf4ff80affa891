import type { Browser, Page } from 'playwright-core';
import { waitFor } from '@llmgov/testing';
import { OrgAdmin, call, chat } from '../harness/admin';
import { startDistributed, type Distributed } from '../harness/distributed';
import {
  ensureConsoleBuilt,
  guardedPage,
  launch,
  seriousA11yViolations,
  type Guard,
} from './browser';
import { oneOrigin } from './one-origin';

/**
 * Smoke test of the console on the distributed mode: the five services on Kafka and Postgres,
 * the registry serving /console, one origin routing like the Ingress, a real Chromium.
 */
describe('web console (distributed mode: five services on Kafka + Postgres, Chromium)', () => {
  let d: Distributed;
  let origin: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let guard: Guard;

  beforeAll(async () => {
    ensureConsoleBuilt();
    d = await startDistributed({ console: true });
    origin = await oneOrigin(d);
    browser = await launch();
    ({ page, guard } = await guardedPage(browser));
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await origin?.close();
    await d?.close();
  });

  it('signs in by link, shows the overview; a held request approved in the queue lets the retry through', async () => {
    const org = await OrgAdmin.create(d.registry.url, d.bootstrapKey);
    const gk = (await org.key({ kind: 'gateway', name: 'smoke' })).key;
    await org.settings({ hitl_cost_threshold_usd: 0.000001 });
    await org.untilEnforced([d.gateways[0].url], gk);
    const reviewer = (await org.key({ kind: 'admin', role: 'reviewer' })).key;
    const held = await chat(origin.url, gk, {
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(held.status).toBe(202);
    const approvalId = held.body.approval_id as string;

    await page.goto(`${origin.url}/console/overview#key=${reviewer}`);
    await page.getByRole('heading', { name: 'Overview', level: 2 }).waitFor();
    await page.getByTestId('spend-today').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Approval queue' }).click();
    const row = page.locator(`tr[data-approval="${approvalId}"]`);
    await waitFor(async () => expect(await row.count()).toBe(1), {
      timeoutMs: 20_000,
      intervalMs: 250,
    });
    await row.getByRole('button', { name: 'Decide' }).click();
    await page.getByLabel('Reason').fill('smoke');
    await page.getByRole('button', { name: 'Approve' }).click();
    await row.waitFor({ state: 'detached' });

    expect(
      (await call(`${origin.url}/approvals/${approvalId}`, { key: reviewer })).body.data.status,
    ).toBe('granted');
    const retry = await chat(
      origin.url,
      gk,
      { model: 'mock/echo', messages: [{ role: 'user', content: 'Hello' }] },
      { 'x-approval-id': approvalId },
    );
    expect(retry.status).toBe(200);
    expect(guard.problems).toEqual([]);
  }, 300_000);
});
