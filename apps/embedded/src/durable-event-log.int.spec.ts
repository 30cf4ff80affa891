import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleEvents, policyViolatedTopic } from '@llmgov/events';
import { silentLogger } from '@llmgov/messaging';
import { waitFor } from '@llmgov/testing';
import { DurableEventLog, segmentFiles } from './durable-event-log';

const violation = (n: number) => ({
  ...structuredClone(exampleEvents['policy.violated']),
  id: `evt_${n}_${randomUUID()}`,
});

/**
 * Publishes `count` events one at a time to a fresh log, restarts it, publishes one more:
 * the durable group `sink` must get only the new one, the in-memory `view.keys` everything.
 */
async function restartRoundTrip(open: () => Promise<DurableEventLog>, count: number) {
  const first = await open();
  const durable: string[] = [];
  await first.subscribe({
    topic: policyViolatedTopic,
    group: 'sink',
    handler: async (e) => void durable.push(e.id),
  });
  const sent = Array.from({ length: count }, (_, i) => violation(i));
  for (const event of sent) await first.publish(policyViolatedTopic, event);
  await waitFor(() => expect(durable).toHaveLength(count));
  await first.close();

  const second = await open();
  const resumed: string[] = [];
  const view: string[] = [];
  await second.subscribe({
    topic: policyViolatedTopic,
    group: 'sink',
    handler: async (e) => void resumed.push(e.id),
  });
  await second.subscribe({
    topic: policyViolatedTopic,
    group: 'view.keys',
    handler: async (e) => void view.push(e.id),
  });
  const more = violation(count);
  await second.publish(policyViolatedTopic, more);
  await waitFor(() => expect(view).toHaveLength(count + 1));
  await waitFor(() => expect(resumed).toEqual([more.id]));
  expect(view).toEqual([...sent, more].map((e) => e.id));
  await second.close();
}

describe('DurableEventLog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'durable-log-'));
  const file = join(dir, 'events.jsonl');
  const open = async () => {
    const log = new DurableEventLog(file, {
      logger: silentLogger,
      inMemoryGroup: (g) => g.startsWith('view.'),
      saveDelayMs: 10,
    });
    await log.open();
    return log;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resumes a durable group at its committed offset after a restart; an in-memory view replays everything', async () => {
    await restartRoundTrip(open, 30);
  });

  it('is caught up only once every group subscribed has handled what the log held at start', async () => {
    const log = await open();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await log.subscribe({ topic: policyViolatedTopic, group: 'view.slow', handler: () => gate });
    expect(log.caughtUp()).toBe(false);
    release();
    await waitFor(() => expect(log.caughtUp()).toBe(true));
    await log.close();
  });

  it('rolls to a new segment file past the size limit and reloads every segment in order', async () => {
    const segDir = mkdtempSync(join(tmpdir(), 'durable-log-seg-'));
    const segFile = join(segDir, 'events.jsonl');
    const openSegmented = async () => {
      const log = new DurableEventLog(segFile, {
        logger: silentLogger,
        inMemoryGroup: (g) => g.startsWith('view.'),
        saveDelayMs: 10,
        segmentBytes: 4096,
      });
      await log.open();
      return log;
    };
    try {
      await restartRoundTrip(openSegmented, 40);
      expect(segmentFiles(segFile).length).toBeGreaterThan(2);
    } finally {
      rmSync(segDir, { recursive: true, force: true });
    }
  });

  it('hands a batch handler up to maxBatchSize records when its subscription names no size', async () => {
    const batchDir = mkdtempSync(join(tmpdir(), 'durable-log-batch-'));
    const log = new DurableEventLog(join(batchDir, 'events.jsonl'), {
      logger: silentLogger,
      maxBatchSize: 700,
    });
    await log.open();
    try {
      // Published before anyone subscribes: a backlog, as after a restart or a burst.
      await log.publishBatch(
        policyViolatedTopic,
        Array.from({ length: 1000 }, (_, i) => violation(i)),
      );
      const sizes = { unnamed: [] as number[], named: [] as number[] };
      for (const [group, maxBatchSize] of [
        ['unnamed', undefined],
        ['named', 100],
      ] as const)
        await log.subscribe({
          topic: policyViolatedTopic,
          group,
          maxBatchSize,
          handler: async () => undefined,
          batchHandler: async (items) => void sizes[group].push(items.length),
        });
      await waitFor(() => expect(sizes.unnamed.reduce((a, b) => a + b, 0)).toBe(1000));
      await waitFor(() => expect(sizes.named.reduce((a, b) => a + b, 0)).toBe(1000));
      expect(sizes.unnamed).toEqual([700, 300]);
      expect(Math.max(...sizes.named)).toBe(100);
    } finally {
      await log.close();
      rmSync(batchDir, { recursive: true, force: true });
    }
  });
});
