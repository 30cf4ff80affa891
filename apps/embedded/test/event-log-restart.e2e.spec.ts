import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTopics, exampleEvents, policyViolatedTopic, requestsTopic } from '@llmgov/events';
import { newSecret } from '@llmgov/service-kit';
import { metricsRegistry } from '@llmgov/telemetry';
import { freePort, waitFor } from '@llmgov/testing';
import { loadConfig } from '../src/config';
import { segmentFiles } from '../src/event-log-segments';
import { startEmbedded, type Embedded } from '../src/embedded';
import { call } from './harness/admin';

const ORG = 'org_restart_log';

/**
 * Issue 17 item 8: the embedded event log replayed its whole file into every consumer at
 * each start while /health/ready said ready. Now each consumer group resumes from its
 * checkpoint, and readiness waits for any replay to finish.
 */
describe('embedded event log across restarts (in-process bus, PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-event-log-'));
  const bootstrapKey = newSecret('msh');
  let running: Embedded | undefined;
  let base = '';

  const start = async () => {
    const port = await freePort();
    running = await startEmbedded(
      loadConfig({
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        BOOTSTRAP_ADMIN_KEY: bootstrapKey,
        LOG_LEVEL: 'error',
        DEMO: 'off',
        // Small segments, so the 2 000 events below span many files.
        EVENT_LOG_SEGMENT_BYTES: String(64 * 1024),
      }),
    );
    base = `http://127.0.0.1:${port}`;
    return running;
  };
  const stop = async () => {
    await running?.stop();
    running = undefined;
  };
  afterAll(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const logged = async () =>
    (await call(`${base}/audit/verify?org_id=${ORG}`, { key: bootstrapKey })).body.data as {
      ok: boolean;
      checked: number;
    };
  // What `GET /metrics` serves as audit_entries_duplicate_total, readable while no server runs.
  const duplicates = async () =>
    (await metricsRegistry().getSingleMetric('audit_entries_duplicate_total')?.get())?.values[0]
      ?.value ?? 0;
  const ready = async () => call(`${base}/health/ready`);
  const publish = async (e: Embedded, n: number) => {
    const violated = Array.from({ length: n / 2 }, () => ({
      ...structuredClone(exampleEvents['policy.violated']),
      id: randomUUID(),
    }));
    const completed = Array.from({ length: n / 2 }, () => ({
      ...structuredClone(exampleEvents['request.completed']),
      id: randomUUID(),
    }));
    for (const event of [...violated, ...completed]) event.data.org_id = ORG;
    // This month's requests, as a live gateway's: the log keeps them (the budgets fold them).
    for (const event of completed) event.time = new Date().toISOString();
    for (const event of completed) event.data.request_id = `req_${randomUUID()}`;
    for (let i = 0; i < violated.length; i += 250)
      await e.bus.publishBatch(policyViolatedTopic, violated.slice(i, i + 250));
    for (let i = 0; i < completed.length; i += 250)
      await e.bus.publishBatch(requestsTopic, completed.slice(i, i + 250));
  };

  it('a restart resumes every durable consumer from its checkpoint across rolled segments: nothing replayed, nothing lost', async () => {
    const first = await start();
    await publish(first, 2000);
    await waitFor(async () => expect((await logged()).checked).toBe(2000), {
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    // Logged is not yet checkpointed: a group commits once its batch handler has returned, a
    // moment after the rows are visible, and the ledger's budget alerts reach the audit after
    // it. A stop in between hands a batch over again (deduplicated: at least once); "nothing
    // replayed" is about a log whose every durable group is at its end, and stays there.
    const quiet = () =>
      waitFor(() => expect(first.bus.backlog()).toBe(0), { timeoutMs: 30_000, intervalMs: 50 });
    await quiet();
    await new Promise((r) => setTimeout(r, 500)); // an outbox relay's round, then look again
    await quiet();
    await stop();
    expect(segmentFiles(join(dataDir, 'events.jsonl')).length).toBeGreaterThan(3);

    const second = await start();
    const before = await duplicates();
    await waitFor(async () => expect((await ready()).status).toBe(200), {
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    await publish(second, 10);
    await waitFor(
      async () => expect(await logged()).toEqual({ ok: true, checked: 2010, first_broken: null }),
      {
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
    expect((await duplicates()) - before).toBe(0);
    await stop();
  }, 240_000);

  it('with its checkpoints lost, replays what the log kept and answers /health/ready 503 until the consumers caught up', async () => {
    unlinkSync(join(dataDir, 'events.offsets.json'));
    const before = await duplicates();
    const e = await start();
    // The starts compacted the log, but kept this month's request events (the budgets fold
    // them); the violations the slowest group had handled are gone.
    expect(e.bus.readTopic(requestsTopic.name)).toHaveLength(1005);
    const kept = allTopics.reduce((n, t) => n + e.bus.readTopic(t.name).length, 0);
    // Poll from the first moment the port answers: 503 (event log check false) while the
    // replay runs; 200 only once every event was handed over again (deduplicated).
    for (;;) {
      const res = await ready();
      if (res.status === 200) break;
      expect(res.status).toBe(503);
      expect(
        res.body.checks['embedded.event-log'] === false || (await duplicates()) - before >= kept,
      ).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await duplicates()) - before).toBeGreaterThanOrEqual(kept);
    expect(await logged()).toEqual({ ok: true, checked: 2010, first_broken: null });
  }, 240_000);
});
