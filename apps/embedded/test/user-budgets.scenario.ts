import { waitFor } from '@llmgov/testing';
import { OrgAdmin, admin, chat } from './harness/admin';

export interface UserBudgetUrls {
  gateway: string;
  registry: string;
  ledger: string;
}

/** About 40 prompt tokens that mock/echo answers back: each request costs ~30 micro-USD. */
const WORDS = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');

/**
 * Per-user daily budgets (issue 15 item 3): an org sets `user_budgets` (a default per end user
 * and an override); one end user spends its budget and is refused `daily_budget` naming the
 * user, another end user of the same key still passes, and `GET /budgets/status` shows both.
 */
export async function runUserBudgetScenario(
  urls: UserBudgetUrls,
  bootstrapKey: string,
): Promise<void> {
  const org = await OrgAdmin.create(urls.registry, bootstrapKey, { name: 'Users Inc' });
  const gk = (await org.key({ kind: 'gateway', name: 'app' })).key;
  const saved = await org.settings({
    user_budgets: { default_daily_usd: 0.00006, overrides: { vip: 1 } },
  });
  expect(saved.user_budgets).toEqual({ default_daily_usd: 0.00006, overrides: { vip: 1 } });
  await org.untilEnforced([urls.gateway], gk);
  const ask = (user: string) =>
    chat(urls.gateway, gk, {
      model: 'mock/echo',
      max_tokens: 64,
      user,
      messages: [{ role: 'user', content: WORDS }],
    });

  let refused: Awaited<ReturnType<typeof ask>> | null = null;
  let passed = 0;
  for (let i = 0; i < 10 && !refused; i++) {
    const res = await ask('alice');
    if (res.status === 200) passed++;
    else refused = res;
  }
  expect(passed).toBeGreaterThanOrEqual(1);
  expect(refused?.status).toBe(403);
  expect(refused?.body.error).toMatchObject({ code: 'daily_budget', step: 'budget' });
  expect(refused?.body.error.message).toContain('user alice daily budget');
  expect(refused?.body.error.message).toContain('Policy violation: user_budgets');

  expect((await ask('bob')).status).toBe(200);
  expect((await ask('vip')).status).toBe(200);
  // No end user: not held to a per-user budget.
  const anonymous = await chat(urls.gateway, gk, {
    model: 'mock/echo',
    max_tokens: 64,
    messages: [{ role: 'user', content: WORDS }],
  });
  expect(anonymous.status).toBe(200);

  await waitFor(
    async () => {
      const status = await admin<
        Array<{ scope: string; scope_id: string; spent_micro_usd: number; limit_micro_usd: number }>
      >(`${urls.ledger}/budgets/status`, org.org.ownerKey);
      const users = status.filter((s) => s.scope === 'user');
      const of = (id: string) => users.find((u) => u.scope_id === id);
      expect(of('*')).toMatchObject({ limit_micro_usd: 60, spent_micro_usd: 0 });
      expect(of('alice')?.limit_micro_usd).toBe(60);
      expect(of('alice')?.spent_micro_usd).toBeGreaterThan(0);
      expect(of('bob')?.spent_micro_usd).toBeGreaterThan(0);
      expect(of('vip')?.limit_micro_usd).toBe(1_000_000);
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}
