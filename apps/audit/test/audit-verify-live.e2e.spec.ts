import { Client } from 'pg';
import type { EnvelopeBase } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import { adminKey, bearer, startAudit, type AuditHarness } from './audit-harness';
import { example, topicOf } from './audit-fixtures';

const ORG = 'org_verify_live';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 17 item 7: `GET /audit/verify` read the range, the entries and the head in separate
 * statements, so a chain growing meanwhile looked cut off ("tampered"). Verification now reads
 * one snapshot; these tests call it over and over while events are ingested.
 */
describe.each([
  ['real Kafka + Postgres', false],
  ['in-process bus + Postgres', true],
])('GET /audit/verify while the chain grows (%s)', (_name, inProcessBus) => {
  let h: AuditHarness;
  let owner: string;

  const verify = async () => {
    const res = await h.app.inject({ method: 'GET', url: '/audit/verify', headers: bearer(owner) });
    expect(res.statusCode).toBe(200);
    return res.json().data as { ok: boolean; checked: number; first_broken: number | null };
  };
  const logged = async () => (await verify()).checked;

  beforeAll(async () => {
    h = await startAudit({ inProcessBus });
    owner = await adminKey(h.bus, ORG);
    await waitFor(async () => expect(await logged()).toBeGreaterThanOrEqual(1), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
  }, 60_000);
  afterAll(() => h?.close());

  it('answers ok:true every time while events are being ingested', async () => {
    // Bursts of events with verifications in between (each recomputes every hash: CPU-bound,
    // so a pause lets the consumers in this process keep up).
    const bursts = 20;
    const perBurst = 15;
    let publishing = true;
    const ingest = (async () => {
      try {
        for (let b = 0; b < bursts; b++) {
          const events = Array.from(
            { length: perBurst },
            (_, i) => example(i % 2 ? 'policy.violated' : 'request.completed', ORG) as EnvelopeBase,
          );
          await Promise.all(events.map((e) => h.bus.publish(topicOf(e.type) as never, e as never)));
          await sleep(100);
        }
      } finally {
        publishing = false;
      }
    })();
    const verdicts: { ok: boolean; checked: number; first_broken: number | null }[] = [];
    while (publishing || (await logged()) < 1 + bursts * perBurst) {
      verdicts.push(await verify());
      await sleep(10);
    }
    await ingest;
    // Verified at many different lengths of the chain, each time intact.
    expect(new Set(verdicts.map((v) => v.checked)).size).toBeGreaterThan(5);
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
    expect(await verify()).toEqual({
      ok: true,
      checked: 1 + bursts * perBurst,
      first_broken: null,
    });
  }, 120_000);

  it('still finds a real tamper while the chain grows', async () => {
    const db = new Client({ connectionString: h.schema.url });
    await db.connect();
    try {
      const [victim] = (
        await db.query(
          `select position from "${h.schema.name}".audit_entries where chain = $1 and position = 7`,
          [ORG],
        )
      ).rows;
      expect(victim).toBeDefined();
      await db.query(
        `update "${h.schema.name}".audit_entries set event = jsonb_set(event, '{time}', '"2020-01-01T00:00:00.000Z"') where chain = $1 and position = 7`,
        [ORG],
      );
    } finally {
      await db.end();
    }
    const more = Array.from({ length: 50 }, () => example('policy.violated', ORG) as EnvelopeBase);
    const ingest = Promise.all(
      more.map((e) => h.bus.publish(topicOf(e.type) as never, e as never)),
    );
    for (let i = 0; i < 5; i++)
      expect(await verify()).toMatchObject({ ok: false, first_broken: 7 });
    await ingest;
  }, 60_000);
});
