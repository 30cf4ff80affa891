import { costMicroUsd } from '@llmgov/budget';
import { GatewayService } from '@llmgov/gateway';
import { waitFor } from '@llmgov/testing';
import { OrgAdmin, admin, chat } from './harness/admin';
import { startDistributed, type Distributed } from './harness/distributed';
import { slowUpstream, type SlowUpstream } from './harness/upstream';

/**
 * Accounting across a crash and a restart: a gateway killed with requests in flight leaks
 * their reservations (nothing settles them); the ledger stops counting them once they expire
 * (the gateway's reservation TTL is 10 minutes, not configurable: the ledger's clock is moved
 * past it). The ledger's spend equals the sum of the upstream usages of the requests that
 * completed, also when the ledger app is restarted while completions stream in.
 */

const MODEL = 'gpt-4o-mini';
const RESERVATION_TTL_MS = 10 * 60_000; // apps/gateway RESERVATION_TTL_MS

/** The system clock moved by `offsetMs` (the ledger's decides which reservations expired). */
class ShiftedClock {
  constructor(public offsetMs = 0) {}
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/**
 * How far to move every clock so that the test, the TTL jump included, stays within one UTC
 * day: the daily budget's window is the ledger's day, and a run that starts shortly before
 * midnight would otherwise read the next day's (empty) spend. 0 unless midnight is near;
 * then just past it.
 */
function clearOfMidnight(now = Date.now()): number {
  const day = 86_400_000;
  const untilMidnight = day - (now % day);
  return untilMidnight > RESERVATION_TTL_MS + 5 * 60_000 ? 0 : untilMidnight + 5_000;
}

interface Budget {
  code: string;
  scope: string;
  spent_micro_usd: number;
  reserved_micro_usd: number;
}

describe('accounting across a gateway crash and a ledger restart — distributed (real Kafka, real Postgres)', () => {
  let cluster: Distributed;
  let upstream: SlowUpstream;
  const base = clearOfMidnight();
  const clock = new ShiftedClock(base);
  let org: OrgAdmin;
  let key: string;

  const daily = async (): Promise<Budget> => {
    const rows = await admin<Budget[]>(`${cluster.ledger.url}/budgets/status`, org.org.ownerKey);
    const row = rows.find((r) => r.code === 'daily_budget' && r.scope === 'org');
    if (!row) throw new Error(`no org daily budget in ${JSON.stringify(rows)}`);
    return row;
  };
  const costOfAnswered = () =>
    upstream.answered.reduce((sum, u) => sum + costMicroUsd(MODEL, u)!, 0);
  const fast = (gateway: string, i: number) =>
    chat(gateway, key, {
      model: MODEL,
      messages: [{ role: 'user', content: `fast ${10 + i} ${5 + (i % 7)}` }],
    });

  beforeAll(async () => {
    upstream = await slowUpstream();
    cluster = await startDistributed({
      approvals: false,
      audit: false,
      ledgerClock: clock,
      clock: new ShiftedClock(base),
      providerEnv: {
        OPENAI_API_KEY: 'sk-e2e-upstream-0000000000000000',
        OPENAI_BASE_URL: upstream.url,
      },
    });
    org = await OrgAdmin.create(cluster.registry.url, cluster.bootstrapKey);
    key = (await org.key({ kind: 'gateway', name: 'acct' })).key;
    await org.settings({
      daily_budget_usd: 50,
      per_request_limit_usd: 1,
      key_rpm: 100_000,
      rate_limit_rpm: 100_000,
      burst_pct: 0,
    });
    await org.untilEnforced([cluster.gateways[0]!.url], key);
  }, 300_000);
  afterAll(async () => {
    await cluster?.close();
    await upstream?.close();
  });

  it('a gateway closed with requests in flight leaves their reservations held; past the TTL GET /budgets/status releases them and spend = the completed usages', async () => {
    const gw = cluster.gateways[0]!;
    for (let i = 0; i < 10; i++) expect((await fast(gw.url, i)).status).toBe(200);

    // Five requests admitted and forwarded; the upstream holds them.
    const prompt = 'please hold this one for a while';
    const inFlight = Array.from({ length: 5 }, () =>
      chat(gw.url, key, {
        model: MODEL,
        max_tokens: 50,
        messages: [{ role: 'user', content: prompt }],
      }).catch((e: Error) => e),
    );
    await waitFor(() => expect(upstream.held()).toBe(5), { timeoutMs: 10_000 });
    const reservation = costMicroUsd(MODEL, {
      prompt_tokens: Math.ceil(prompt.length / 4) + 4 + 3,
      completion_tokens: 50,
    })!;
    await waitFor(
      async () => {
        const b = await daily();
        expect(b.spent_micro_usd).toBe(costOfAnswered());
        expect(b.reserved_micro_usd).toBe(5 * reservation);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );

    // The crash: the gateway stops publishing (its publisher closes first), then its in-flight requests die.
    const service = gw.app.get(GatewayService);
    const closing = gw.close();
    await waitFor(
      () => expect((service.publisher as unknown as { closed: boolean }).closed).toBe(true),
      { timeoutMs: 10_000, intervalMs: 10 },
    );
    upstream.dropHeld();
    await closing;
    await Promise.all(inFlight);

    // Nothing settled them: the ledger still holds the five reservations…
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await daily()).toMatchObject({
      spent_micro_usd: costOfAnswered(),
      reserved_micro_usd: 5 * reservation,
    });
    // …until their expiry passes.
    clock.offsetMs = base + RESERVATION_TTL_MS + 1_000;
    expect(await daily()).toMatchObject({
      spent_micro_usd: costOfAnswered(),
      reserved_micro_usd: 0,
    });
  });

  it('restarting the ledger while completions stream in counts every completed request once: spend = the sum of upstream usages', async () => {
    const gw = await cluster.startGateway();
    await org.untilEnforced([gw.url], key);
    const sent = Array.from({ length: 40 }, (_, i) => fast(gw.url, 100 + i));
    // Mid-stream: close the ledger once some of the completions reached it.
    const before = costOfAnswered();
    await waitFor(async () => expect((await daily()).spent_micro_usd).toBeGreaterThan(before), {
      timeoutMs: 20_000,
      intervalMs: 20,
    });
    await cluster.ledger.close();
    const answers = await Promise.all(sent);
    expect(answers.every((a) => a.status === 200)).toBe(true);

    cluster.ledger = await cluster.startLedger();
    await waitFor(async () => expect((await daily()).spent_micro_usd).toBe(costOfAnswered()), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    // And it stays there: nothing redelivered is counted twice.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await daily()).spent_micro_usd).toBe(costOfAnswered());
    expect(upstream.answered.length).toBe(50);
  });
});
