import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { POSTGRES_URL_FILE } from '../src/embedded-postgres';
import { OrgAdmin, chat } from './harness/admin';
import { useEmbedded } from './harness/embedded';

const SMALL = { model: 'mock/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One sample of `GET /metrics` by its exact series name (no labels). */
async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

/**
 * Embedded mode: a model call waits while the ledger, the audit or the registry is more than
 * INGEST_MAX_LAG_MS behind on what the gateway produced, and goes once they have caught up;
 * it never waits longer than its bound (issue 17 item 8, docs/limits.md). The consumers are
 * held back by an open transaction on the embedded database, which has one session: every
 * consumer's statement waits for it.
 */
describe('POST /v1/chat/completions — embedded mode paces requests to what it records', () => {
  // A call then waits 3 s at most.
  const service = useEmbedded({ DEMO: 'off', INGEST_MAX_LAG_MS: '1500' });
  let base = '';
  let key = '';

  beforeAll(async () => {
    base = service.base;
    const org = await OrgAdmin.create(base, service.bootstrapKey, {
      name: 'pacing',
      plan: 'growth',
    });
    key = (await org.key({ kind: 'gateway', name: 'pacing' })).key;
    await org.untilEnforced([base], key);
  }, 120_000);

  /**
   * Runs `during` with a transaction open on the embedded database (the consumers stop until
   * it ends), then commits it, failed or not.
   */
  const whileDatabaseHeld = async (during: () => Promise<void>): Promise<void> => {
    const url = readFileSync(join(service.dataDir, POSTGRES_URL_FILE), 'utf8').trim();
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query('SELECT 1');
      await during();
    } finally {
      await db.query('COMMIT').catch(() => undefined);
      await db.end();
    }
  };

  it('holds a model call while the consumers are behind and answers it once they catch up', async () => {
    const pacedBefore = await metric(base, 'embedded_requests_paced_total');
    let answered = false;
    let sent = 0;
    let held: Promise<{ status: number }> | undefined;
    await whileDatabaseHeld(async () => {
      // Answered at once: the consumers were current. Its events now wait for the database.
      expect((await chat(base, key, SMALL)).status).toBe(200);
      await sleep(1_700); // its events are now older than the 1.5 s bound
      sent = performance.now();
      held = chat(base, key, SMALL).then((res) => {
        answered = true;
        return res;
      });
      await sleep(400);
      expect(answered).toBe(false);
    }); // committed: the consumers record the backlog, and the held call goes
    expect((await held!).status).toBe(200);
    // Released by the consumers' commit, not by the 3 s bound.
    expect(performance.now() - sent).toBeLessThan(3_000);
    // Read after the release: `/metrics` itself reads the database for some gauges.
    expect(await metric(base, 'embedded_requests_paced_total')).toBeGreaterThan(pacedBefore);
  }, 30_000);

  it('never holds a call longer than its bound, however long the consumers stay behind', async () => {
    const waitedBefore = await metric(base, 'embedded_requests_paced_seconds_total');
    await whileDatabaseHeld(async () => {
      expect((await chat(base, key, SMALL)).status).toBe(200);
      await sleep(1_700);
      // Still behind when it is answered: it waited its bound, max(1 s, 2 × INGEST_MAX_LAG_MS).
      expect((await chat(base, key, SMALL)).status).toBe(200);
    });
    // It waited its whole bound (nothing moved meanwhile): 3 s.
    const waited = (await metric(base, 'embedded_requests_paced_seconds_total')) - waitedBefore;
    expect(waited).toBeGreaterThanOrEqual(2.9);
    expect(waited).toBeLessThan(6);
  }, 30_000);
});
