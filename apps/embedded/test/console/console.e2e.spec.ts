import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { waitFor } from '@llmgov/testing';
import { useEmbedded } from '../harness/embedded';
import { OrgAdmin, call, chat } from '../harness/admin';
import {
  ensureConsoleBuilt,
  guardedPage,
  initialJsGzipBytes,
  launch,
  seriousA11yViolations,
  type Guard,
} from './browser';

/**
 * The web console in a real Chromium against the embedded mode: each page's main flow, through
 * the UI, checked against what the gateway then does. Every test fails on a console error, a
 * failed request or a 5xx, and every page on a serious or critical axe-core violation.
 * CONSOLE_SCREENSHOTS=1 writes the 1440×900 screenshots of docs/console/.
 */
const PAGES = [
  ['overview', 'Overview'],
  ['approvals', 'Approval queue'],
  ['settings', 'Settings → Governance'],
  ['policies', 'Policies'],
  ['agents', 'Agents and keys'],
  ['spend', 'Spend'],
  ['audit', 'Audit'],
  ['explain', 'Explain'],
  ['compliance', 'Compliance'],
] as const;
const SCREENSHOTS =
  process.env.CONSOLE_SCREENSHOTS === '1'
    ? join(__dirname, '..', '..', '..', '..', 'docs', 'console')
    : null;
const BROWSER_TEST_MS = 120_000;
const hello = { model: 'mock/echo', messages: [{ role: 'user', content: 'Hello' }] };

describe('web console (embedded mode, Chromium)', () => {
  const env = useEmbedded();
  let browser: Browser;
  let page: Page;
  let guard: Guard;

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launch();
  }, 120_000);
  afterAll(() => browser?.close());
  beforeEach(async () => {
    ({ page, guard } = await guardedPage(browser));
  });
  afterEach(async () => {
    await page.context().close();
    expect(guard.problems).toEqual([]);
  });

  const consoleUrl = (path = '') => `${env.base}/console/${path}`;
  const heading = (text: string) =>
    page.getByRole('heading', { name: text, exact: true, level: 2 });
  /** No visible loader left (inactive tabs keep theirs, hidden, until opened). */
  const settled = () =>
    page.waitForFunction(
      () =>
        [
          ...(globalThis as any).document.querySelectorAll(
            '[aria-label="Loading"], [aria-label="Loading page"]',
          ),
        ].every((e: any) => !e.checkVisibility()),
      undefined,
      { timeout: 20_000 },
    );

  async function signInWithLink(key: string, path = '') {
    await page.goto(`${consoleUrl(path)}#key=${key}`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** Paint times of the overview (ms since navigation start), read from the Performance API. */
  async function overviewPaint() {
    await heading('Overview').waitFor();
    await page.waitForFunction(
      () => performance.getEntriesByName('overview-painted').length > 0,
      undefined,
      {
        timeout: 20_000,
      },
    );
    await settled();
    return page.evaluate(() => ({
      fcp: Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1),
      overview: Math.round(performance.getEntriesByName('overview-painted')[0].startTime),
    }));
  }

  async function orgWithTraffic(): Promise<{ org: OrgAdmin; gk: string }> {
    const org = await OrgAdmin.create(env.base, env.bootstrapKey, {
      name: 'Console Inc',
      plan: 'growth',
    });
    const gk = (await org.key({ kind: 'gateway', name: 'support-bot key' })).key;
    await org.untilEnforced([env.base], gk);
    return { org, gk };
  }

  it('the initial JS stays within 300 KB gzipped (pages and charts load lazily)', () => {
    const bytes = initialJsGzipBytes();
    process.stdout.write(`console initial JS: ${(bytes / 1024).toFixed(1)} KB gzipped\n`);
    expect(bytes).toBeLessThanOrEqual(300 * 1024);
  });

  describe('every page, on an org with some traffic', () => {
    let seeded: { org: OrgAdmin; gk: string };

    beforeAll(async () => {
      const { org, gk } = await orgWithTraffic();
      const team = (
        await call(`${env.base}/governance/teams`, {
          key: org.org.ownerKey,
          body: { name: 'Support' },
        })
      ).body.data.id;
      await call(`${env.base}/governance/agents`, {
        key: org.org.ownerKey,
        body: { name: 'support-bot', environment: 'production', team_id: team },
      });
      await org.rule('model_allowlist', { allowed_models: ['gpt-4o-mini', 'mock/echo'] });
      await org.settings({ hitl_cost_threshold_usd: 0.002 });
      await org.untilEnforced([env.base], gk);
      await chat(env.base, gk, hello);
      await chat(env.base, gk, {
        ...hello,
        messages: [{ role: 'user', content: 'My card is 4111 1111 1111 1111' }],
      });
      await chat(env.base, gk, { ...hello, model: 'gpt-4o' });
      await chat(env.base, gk, { ...hello, max_tokens: 4000 });
      seeded = { org, gk };
      if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
    }, BROWSER_TEST_MS);

    it(
      'signs in with the one-time link: the key is kept in sessionStorage only and the link leaves the address bar; ' +
        'prints the overview paint',
      async () => {
        await signInWithLink(seeded.org.org.ownerKey, 'overview');
        const cold = await overviewPaint();
        expect(page.url()).toBe(consoleUrl('overview'));
        const storage = await page.evaluate(() => {
          // In the page (this file is type-checked without the DOM library).
          const w = globalThis as any;
          return {
            session: Object.values(w.sessionStorage),
            local: Object.keys(w.localStorage).length,
            cookie: w.document.cookie,
          };
        });
        expect(storage).toEqual({ session: [seeded.org.org.ownerKey], local: 0, cookie: '' });
        await page.reload();
        const warm = await overviewPaint();
        process.stdout.write(
          'console overview (first meaningful paint = headline figures shown): ' +
            `cold ${cold.overview} ms (first contentful paint ${cold.fcp} ms), ` +
            `warm reload ${warm.overview} ms (first contentful paint ${warm.fcp} ms)\n`,
        );
      },
      BROWSER_TEST_MS,
    );

    it.each(PAGES)(
      '/console/%s renders its data with no serious accessibility violation',
      async (path, title) => {
        await signInWithLink(seeded.org.org.ownerKey, path);
        await heading(title).waitFor();
        await settled();
        expect(await seriousA11yViolations(page)).toEqual([]);
        if (path === 'explain') {
          await page.getByLabel('Gateway key (gk_…)').fill(seeded.gk);
          await page.getByRole('button', { name: 'Explain', exact: true }).click();
          const trace = page.getByRole('table', { name: 'Decision trace' });
          await trace.waitFor();
          expect(await trace.getByRole('row').count()).toBe(14);
          expect(await seriousA11yViolations(page)).toEqual([]);
        }
        if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${path}.png`) });
      },
      BROWSER_TEST_MS,
    );
  });

  it(
    'changing the daily budget in Settings → Governance (diff, then save) makes the gateway enforce it',
    async () => {
      const { org, gk } = await orgWithTraffic();
      expect((await chat(env.base, gk, hello)).status).toBe(200);
      await signInWithLink(org.org.ownerKey, 'settings');
      await heading('Settings → Governance').waitFor();
      await settled();
      const budget = page.getByLabel('Daily org budget (USD)');
      await budget.fill('0.0001');
      await page.getByRole('button', { name: 'Review 1 change' }).click();
      const diff = page.getByRole('table', { name: 'Changes' });
      await diff.getByRole('cell', { name: 'daily_budget_usd' }).waitFor();
      expect(await diff.getByRole('row').nth(1).innerText()).toMatch(
        /daily_budget_usd\s+100\s+0\.0001/,
      );
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('The change is live.').waitFor();

      expect((await org.settings({})).daily_budget_usd).toBe(0.0001);
      await waitFor(
        async () => {
          const res = await chat(env.base, gk, hello);
          expect(res.status).toBe(403);
          expect(res.body.error.code).toBe('daily_budget');
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
    },
    BROWSER_TEST_MS,
  );

  it(
    'under a signer quorum, a settings change saved in the console shows as a draft awaiting signatures, not enforced',
    async () => {
      const { org, gk } = await orgWithTraffic();
      await call(`${env.base}/api/v1/policies`, {
        key: org.org.ownerKey,
        body: { required_signers: 1 },
      });
      const enforced = await org.untilEnforced([env.base], gk);
      await signInWithLink(org.org.ownerKey, 'settings');
      await heading('Settings → Governance').waitFor();
      await settled();
      await page.getByLabel('Daily org budget (USD)').fill('0.0001');
      await page.getByRole('button', { name: 'Review 1 change' }).click();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Saved as a draft').waitFor();
      await page.getByText(/is a draft awaiting signatures/).waitFor();
      expect(await page.getByText('The change is live.').count()).toBe(0);
      // Still the earlier version at the gateway: the budget change is not enforced.
      const explain = await call(`${env.base}/v1/governance/explain`, { key: gk, body: hello });
      expect(explain.body.policy.policy_version).toBe(enforced);
      expect((await chat(env.base, gk, hello)).status).toBe(200);
    },
    BROWSER_TEST_MS,
  );

  it(
    'a request held for approval appears in the queue; a reviewer approves it there with a reason and the retry passes',
    async () => {
      const { org, gk } = await orgWithTraffic();
      await org.settings({ hitl_cost_threshold_usd: 0.000001 });
      await org.untilEnforced([env.base], gk);
      const reviewer = (await org.key({ kind: 'admin', role: 'reviewer', name: 'rita' })).key;
      const held = await chat(env.base, gk, hello);
      expect(held.status).toBe(202);
      const approvalId = held.body.approval_id as string;

      await page.goto(consoleUrl('approvals'));
      await page.getByLabel('Admin key or JWT').fill(reviewer);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Approval queue' }).click();
      const row = page.locator(`tr[data-approval="${approvalId}"]`);
      await row.waitFor();
      expect(await row.innerText()).toMatch(/cost_gate/i);
      await row.getByRole('button', { name: 'Decide' }).click();
      await page.getByLabel('Reason').fill('checked with the team lead');
      await page.getByRole('button', { name: 'Approve' }).click();
      await row.waitFor({ state: 'detached' });

      const approval = (await call(`${env.base}/approvals/${approvalId}`, { key: reviewer })).body
        .data;
      expect(approval).toMatchObject({ status: 'granted', reason: 'checked with the team lead' });
      const retry = await chat(env.base, gk, hello, { 'x-approval-id': approvalId });
      expect(retry.status).toBe(200);

      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByRole('table', { name: 'Decided approvals' }).getByText(approvalId).waitFor();
    },
    BROWSER_TEST_MS,
  );

  it(
    'the four-eyes refusal is explained when the reviewer issued the key that made the request',
    async () => {
      const { org, gk } = await orgWithTraffic(); // the owner issued `gk`
      await org.settings({ hitl_cost_threshold_usd: 0.000001 });
      await org.untilEnforced([env.base], gk);
      const approvalId = (await chat(env.base, gk, hello)).body.approval_id as string;
      await signInWithLink(org.org.ownerKey, 'approvals');
      await page
        .locator(`tr[data-approval="${approvalId}"]`)
        .getByRole('button', { name: 'Decide' })
        .click();
      await page.getByRole('button', { name: 'Approve' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'Four-eyes rule' });
      await alert.waitFor();
      expect(await alert.innerText()).toMatch(
        /You issued the key that made this request, so another reviewer must decide it/,
      );
      expect(
        (await call(`${env.base}/approvals/${approvalId}`, { key: org.org.ownerKey })).body.data
          .status,
      ).toBe('pending');
    },
    BROWSER_TEST_MS,
  );

  it(
    'a rejection without a reason shows the API error next to the Reason field',
    async () => {
      const { org, gk } = await orgWithTraffic();
      await org.settings({ hitl_cost_threshold_usd: 0.000001 });
      await org.untilEnforced([env.base], gk);
      const approvalId = (await chat(env.base, gk, hello)).body.approval_id as string;
      const reviewer = (await org.key({ kind: 'admin', role: 'reviewer' })).key;
      await signInWithLink(reviewer, 'approvals');
      await page
        .locator(`tr[data-approval="${approvalId}"]`)
        .getByRole('button', { name: 'Decide' })
        .click();
      await page.getByRole('button', { name: 'Reject' }).click();
      const reason = page.getByLabel('Reason');
      await page.getByText('a reason is required to reject').waitFor();
      expect(await reason.getAttribute('aria-invalid')).toBe('true');
    },
    BROWSER_TEST_MS,
  );

  it(
    'a gateway key issued in the console is shown once, works, and stops working once revoked there',
    async () => {
      const { org } = await orgWithTraffic();
      await signInWithLink(org.org.ownerKey, 'agents');
      await page.getByRole('tab', { name: 'Keys' }).click();
      await page.getByLabel('Key name').fill('console-issued');
      await page.getByRole('button', { name: 'Issue key' }).click();
      const secret = (await page.getByLabel('New key secret').innerText()).trim();
      expect(secret).toMatch(/^gk_/);
      await page.keyboard.press('Escape');
      await page.getByLabel('New key secret').waitFor({ state: 'detached' });
      expect(await page.content()).not.toContain(secret);

      await waitFor(async () => expect((await chat(env.base, secret, hello)).status).toBe(200), {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      page.once('dialog', (d) => void d.accept());
      const row = page.getByRole('row').filter({ hasText: 'console-issued' });
      await row.getByRole('button', { name: 'Revoke' }).click();
      await row.getByText('revoked').waitFor();
      await waitFor(async () => expect((await chat(env.base, secret, hello)).status).toBe(401), {
        timeoutMs: 5_000,
        intervalMs: 100,
      });
    },
    BROWSER_TEST_MS,
  );

  it(
    'Policies: a rule created in the console is enforced, disabling it lifts it, the versions diff shows it',
    async () => {
      const { org, gk } = await orgWithTraffic();
      const gpt4o = { ...hello, model: 'gpt-4o' };
      await signInWithLink(org.org.ownerKey, 'policies');
      await page.getByRole('button', { name: 'New rule' }).click();
      await page.getByLabel('Name').fill('only-mini');
      await page.getByRole('button', { name: 'Save rule' }).click();
      const row = page.getByRole('row').filter({ hasText: 'only-mini' });
      await row.waitFor();
      await waitFor(
        async () =>
          expect((await chat(env.base, gk, gpt4o)).body.error?.code).toBe('model_allowlist'),
        {
          timeoutMs: 10_000,
          intervalMs: 100,
        },
      );

      await row.getByRole('switch', { name: 'only-mini enabled' }).click({ force: true });
      await waitFor(
        async () =>
          expect((await chat(env.base, gk, gpt4o)).body.error?.code).not.toBe('model_allowlist'),
        { timeoutMs: 10_000, intervalMs: 100 },
      );

      await page.getByRole('tab', { name: 'Versions and signatures' }).click();
      const versions = await call(`${env.base}/api/v1/policies`, { key: org.org.ownerKey });
      const [newest, , before] = versions.body.data as { policy_version: number }[];
      await page.getByRole('combobox', { name: 'Compare version' }).click();
      await page.getByRole('option', { name: new RegExp(`^v${before.policy_version} `) }).click();
      await page.getByRole('combobox', { name: 'with version' }).click();
      await page.getByRole('option', { name: new RegExp(`^v${newest.policy_version} `) }).click();
      const diff = page.getByRole('table', { name: 'Version diff' });
      await diff.waitFor();
      expect(await diff.innerText()).toMatch(/rules/);
      expect(await seriousA11yViolations(page)).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'Agents: an agent created in the console gets a review recorded there',
    async () => {
      const { org } = await orgWithTraffic();
      await signInWithLink(org.org.ownerKey, 'agents');
      await page.getByLabel('New agent name').fill('billing-bot');
      await page.getByRole('button', { name: 'Create agent' }).click();
      const row = page.getByRole('row').filter({ hasText: 'billing-bot' });
      await row.getByRole('button', { name: 'Record review' }).click();
      await page.getByLabel('Notes').fill('quarterly review done');
      await page.getByRole('button', { name: 'Record review' }).last().click();
      await page.getByLabel('Notes').waitFor({ state: 'detached' });
      await waitFor(
        async () => {
          const agents = (await call(`${env.base}/governance/agents`, { key: org.org.ownerKey }))
            .body.data as {
            name: string;
            review: { last_reviewed_at: string | null };
          }[];
          expect(
            agents.find((a) => a.name === 'billing-bot')?.review.last_reviewed_at,
          ).not.toBeNull();
        },
        { timeoutMs: 10_000, intervalMs: 200 },
      );
    },
    BROWSER_TEST_MS,
  );

  it(
    'Audit: filtering by type, an entry shows its hash links, and "Verify chain" reports ok',
    async () => {
      const { org, gk } = await orgWithTraffic();
      await chat(env.base, gk, hello);
      await signInWithLink(org.org.ownerKey, 'audit');
      await page.getByRole('table', { name: 'Audit entries' }).waitFor();
      // Filter by type, open an entry: its hash and the previous entry's hash.
      await page.getByLabel('type', { exact: true }).fill('request.completed');
      await page.getByRole('button', { name: 'Filter' }).click();
      const entries = page.getByRole('table', { name: 'Audit entries' });
      await page.waitForFunction(() => {
        const rows = [
          ...(globalThis as any).document.querySelectorAll(
            'table[aria-label="Audit entries"] tbody tr',
          ),
        ];
        return rows.length > 0 && rows.every((r: any) => r.innerText.includes('request.completed'));
      });
      await entries.getByRole('row').nth(1).getByRole('button').click();
      const detail = page.getByRole('dialog');
      await detail.getByText('Previous hash').waitFor();
      expect(
        (await detail.innerText()).match(/sha256:[0-9a-f]{64}/g)?.length,
      ).toBeGreaterThanOrEqual(2);
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'detached' });

      await page.getByRole('button', { name: 'Verify chain' }).click();
      const result = page.getByTestId('verify-result');
      await result.waitFor();
      expect(await result.innerText()).toMatch(/Chain verified: ok[\s\S]*\d+ entries checked/);
    },
    BROWSER_TEST_MS,
  );

  it(
    "tenant isolation: an org's admin sees none of another org's agents, keys or approvals",
    async () => {
      const mine = await orgWithTraffic();
      const other = await orgWithTraffic();
      await call(`${env.base}/governance/agents`, {
        key: other.org.org.ownerKey,
        body: { name: 'other-org-bot', environment: 'production' },
      });
      await other.org.settings({ hitl_cost_threshold_usd: 0.000001 });
      await other.org.untilEnforced([env.base], other.gk);
      const theirs = (await chat(env.base, other.gk, hello)).body.approval_id as string;
      await signInWithLink(mine.org.org.ownerKey, 'agents');
      await page.getByRole('tab', { name: 'Keys' }).click();
      await page.getByRole('table', { name: 'Keys' }).waitFor();
      expect(await page.content()).not.toContain('other-org-bot');
      // The header row, the owner's key and the support-bot key: nothing of the other org.
      expect(await page.getByRole('table', { name: 'Keys' }).getByRole('row').count()).toBe(3);
      await page.getByRole('link', { name: 'Approval queue' }).click();
      await page.getByText('No request is waiting for approval.').waitFor();
      expect(await page.content()).not.toContain(theirs);
    },
    BROWSER_TEST_MS,
  );

  it(
    'a viewer sees the settings read-only and cannot save, issue keys or decide approvals',
    async () => {
      const { org } = await orgWithTraffic();
      const viewer = (await org.key({ kind: 'admin', role: 'viewer', name: 'vera' })).key;
      await signInWithLink(viewer, 'settings');
      await heading('Settings → Governance').waitFor();
      await settled();
      await page.getByText('read-only (viewer)').waitFor();
      expect(await page.getByLabel('Daily org budget (USD)').isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: /Review \d+ change/ }).count()).toBe(0);

      await page.getByRole('link', { name: 'Agents and keys' }).click();
      await page.getByRole('tab', { name: 'Keys' }).click();
      await page.getByRole('table', { name: 'Keys' }).waitFor();
      expect(await page.getByRole('button', { name: 'Issue key' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
      // The API agrees: the viewer's own credential cannot change the settings.
      expect(
        (
          await call(`${env.base}/gateway/admin/governance/policy`, {
            key: viewer,
            method: 'PUT',
            body: { daily_budget_usd: 1 },
          })
        ).status,
      ).toBe(403);
    },
    BROWSER_TEST_MS,
  );
  describe('Compliance', () => {
    const art10 = () => page.locator('[data-check="art10_data_governance"]');
    const score = async () =>
      Number((await page.getByTestId('compliance-score').innerText()).replace('%', ''));
    /** An org whose Art. 10 check fails its sensitive-pattern criterion: SSNs only warned about. */
    async function weakenedOrg() {
      const { org, gk } = await orgWithTraffic();
      const live = await org.settings({});
      await org.settings({ pii_patterns: { ...(live.pii_patterns as object), ssn: 'warn' } });
      return { org, gk };
    }
    async function openCompliance(key: string) {
      await signInWithLink(key, 'compliance');
      await heading('Compliance').waitFor();
      await settled();
      await art10().waitFor();
    }

    it(
      'a failing check is remediated from the page: dry-run diff, apply, the check passes and the score rises',
      async () => {
        const { org } = await weakenedOrg();
        await openCompliance(org.org.ownerKey);
        expect(await seriousA11yViolations(page)).toEqual([]);
        expect(await art10().getByRole('button').first().innerText()).toMatch(/^(partial|fail)\b/i);
        const before = await score();

        await page.getByRole('button', { name: 'Preview Art. 10 remediation' }).click();
        const diff = page.getByRole('table', { name: 'Remediation diff' });
        await diff.getByRole('cell', { name: 'settings.pii_patterns' }).waitFor();
        expect(await diff.innerText()).toMatch(/"ssn":"warn"[\s\S]*"ssn":"(block|redact)"/);
        expect(await seriousA11yViolations(page)).toEqual([]);
        // The dry run changed nothing.
        expect((await org.settings({})).pii_patterns).toMatchObject({ ssn: 'warn' });

        await page.getByRole('button', { name: 'Apply', exact: true }).click();
        await page.getByText('Remediation applied').waitFor();
        await page.waitForFunction(
          () =>
            (globalThis as any).document
              .querySelector('[data-check="art10_data_governance"] button')
              ?.innerText.toLowerCase()
              .startsWith('pass'),
          undefined,
          { timeout: 20_000 },
        );
        expect(await score()).toBeGreaterThan(before);
        // The report and the remediation list are two queries refetched after Apply: the
        // remediation's card leaves once its list arrives.
        await page
          .getByRole('button', { name: 'Preview Art. 10 remediation' })
          .waitFor({ state: 'detached', timeout: 20_000 });
        // The note of what was applied outlives the card it came from.
        expect(await page.getByText('Remediation applied').isVisible()).toBe(true);
        // The API agrees: the new version blocks or redacts SSNs and its Art. 10 check passes.
        expect((await org.settings({})).pii_patterns).not.toMatchObject({ ssn: 'warn' });
        const report = (await call(`${env.base}/governance/compliance`, { key: org.org.ownerKey }))
          .body.data;
        expect(
          report.checks.find((c: { id: string }) => c.id === 'art10_data_governance').status,
        ).toBe('pass');
        expect(report.score).toBeGreaterThan(before);
      },
      BROWSER_TEST_MS,
    );

    it(
      'under a signer quorum, an applied remediation shows as a draft awaiting signatures and the check still fails',
      async () => {
        const { org } = await weakenedOrg();
        await call(`${env.base}/api/v1/policies`, {
          key: org.org.ownerKey,
          body: { required_signers: 1 },
        });
        await openCompliance(org.org.ownerKey);
        await page.getByRole('button', { name: 'Preview Art. 10 remediation' }).click();
        await page.getByRole('table', { name: 'Remediation diff' }).waitFor();
        await page.getByRole('button', { name: 'Apply', exact: true }).click();
        await page.getByText(/Saved as a draft: version \d+ awaits signatures/).waitFor();
        await settled();
        expect(await art10().getByRole('button').first().innerText()).toMatch(/^(partial|fail)\b/i);
      },
      BROWSER_TEST_MS,
    );

    it(
      'a viewer reads the score, checks and remediations but sees no Apply',
      async () => {
        const { org } = await weakenedOrg();
        const viewer = (await org.key({ kind: 'admin', role: 'viewer', name: 'vic' })).key;
        await openCompliance(viewer);
        await page
          .getByText(/score .*% → .*%/)
          .first()
          .waitFor();
        expect(await page.getByText('read-only (viewer)').count()).toBeGreaterThan(0);
        expect(await page.getByRole('button', { name: /Preview .* remediation/ }).count()).toBe(0);
        expect(await page.getByRole('button', { name: 'Apply' }).count()).toBe(0);
        expect(await seriousA11yViolations(page)).toEqual([]);
        // The API agrees: the viewer cannot apply, not even as a dry run.
        const res = await call(
          `${env.base}/governance/compliance/remediations/art10_data_governance/apply`,
          {
            key: viewer,
            body: {},
          },
        );
        expect(res.status).toBe(403);
      },
      BROWSER_TEST_MS,
    );
  });
});
