import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleEvents, policyViolatedTopic, requestsTopic, tenancyTopic } from '@llmgov/events';
import { silentLogger, type BinaryRecord } from '@llmgov/messaging';
import { waitFor } from '@llmgov/testing';
import { DurableEventLog } from './durable-event-log';
import { segmentFiles, segmentPath } from './event-log-segments';

const violation = (n: number) => ({
  ...structuredClone(exampleEvents['policy.violated']),
  id: `evt_${n}_${randomUUID()}`,
});
/** A governance event: what in-memory views fold from the start, so never trimmed. */
const orgCreated = (n: number) => ({
  ...structuredClone(exampleEvents['org.created']),
  id: `org_evt_${n}_${randomUUID()}`,
});

/**
 * Publishes `count` events one at a time to a fresh log, restarts it, publishes one more:
 * the durable group `sink` must get only the new one, the in-memory `view.keys` everything.
 */
async function restartRoundTrip(open: () => Promise<DurableEventLog>, count: number) {
  const first = await open();
  const durable: string[] = [];
  await first.subscribe({
    topic: tenancyTopic,
    group: 'sink',
    handler: async (e) => void durable.push(e.id),
  });
  const sent = Array.from({ length: count }, (_, i) => orgCreated(i));
  for (const event of sent) await first.publish(tenancyTopic, event);
  await waitFor(() => expect(durable).toHaveLength(count));
  await first.close();

  const second = await open();
  const resumed: string[] = [];
  const view: string[] = [];
  await second.subscribe({
    topic: tenancyTopic,
    group: 'sink',
    handler: async (e) => void resumed.push(e.id),
  });
  await second.subscribe({
    topic: tenancyTopic,
    group: 'view.keys',
    handler: async (e) => void view.push(e.id),
  });
  const more = orgCreated(count);
  await second.publish(tenancyTopic, more);
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
    await log.subscribe({ topic: tenancyTopic, group: 'view.slow', handler: () => gate });
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

  it("tells the pacer what a durable group has yet to handle of this run's records, and each of its commits", async () => {
    const paceDir = mkdtempSync(join(tmpdir(), 'durable-log-pace-'));
    const reopen = async () => {
      const log = new DurableEventLog(join(paceDir, 'events.jsonl'), {
        logger: silentLogger,
        inMemoryGroup: (g) => g.startsWith('view.'),
        saveDelayMs: 10,
      });
      await log.open();
      return log;
    };
    const earlier = await reopen();
    await earlier.publish(policyViolatedTopic, violation(0)); // from an earlier run
    await earlier.close();
    const log = await reopen();
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let commits = 0;
      const stop = log.onCommit(() => commits++);
      for (const group of ['sink', 'view.peers'])
        await log.subscribe({
          topic: policyViolatedTopic,
          group,
          handler: async () => (group === 'sink' ? gate : undefined),
        });
      const live = { ...violation(1), time: '2026-11-28T12:00:00.000Z' };
      await log.publish(policyViolatedTopic, live);
      await waitFor(() =>
        expect(log.committedOffset(policyViolatedTopic.name, 'view.peers')).toBe(2),
      );
      // Only the durable group, still at the record replayed from the earlier run.
      expect([...log.durableGroups()]).toEqual([
        { topic: policyViolatedTopic.name, group: 'sink', offset: 0 },
      ]);
      expect(log.liveRecordTime(policyViolatedTopic.name, 0)).toBeUndefined();
      expect(log.liveRecordTime(policyViolatedTopic.name, 1)).toBe(Date.parse(live.time));
      expect(log.liveRecordTime(policyViolatedTopic.name, 2)).toBeUndefined(); // the end
      const before = commits;
      release();
      await waitFor(() => expect(log.committedOffset(policyViolatedTopic.name, 'sink')).toBe(2));
      expect(commits).toBeGreaterThan(before); // the durable group's, not the view's
      stop();
    } finally {
      await log.close();
      rmSync(paceDir, { recursive: true, force: true });
    }
  });
});

const completed = (n: number, time: Date) => ({
  ...structuredClone(exampleEvents['request.completed']),
  id: `req_evt_${n}`,
  time: time.toISOString(),
});

/** Every line on disk, in file order: topic, offset (when written) and event id. */
const onDisk = (file: string) =>
  segmentFiles(file).flatMap((s) =>
    readFileSync(s.path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((text) => {
        const line = JSON.parse(text) as { t: string; o?: number; b: BinaryRecord };
        return { seq: s.seq, t: line.t, o: line.o, id: line.b.headers.ce_id };
      }),
  );
const bytesOnDisk = (file: string) =>
  segmentFiles(file).reduce((sum, s) => sum + statSync(s.path).size, 0);

/** Subscribes a group and waits until it has handled `count` records: their offsets and ids. */
async function consume(
  log: DurableEventLog,
  topic: typeof policyViolatedTopic | typeof requestsTopic | typeof tenancyTopic,
  group: string,
  count: number,
) {
  const seen: { offset: number; id: string }[] = [];
  const sub = await log.subscribe({
    topic: topic as typeof policyViolatedTopic,
    group,
    handler: async (e, ctx) => void seen.push({ offset: Number(ctx.offset), id: e.id }),
  });
  await waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(count));
  // Handled is not yet committed: the offset moves once the handler has returned.
  const last = seen.at(-1);
  if (last)
    await waitFor(() =>
      expect(log.committedOffset(topic.name, group)).toBeGreaterThan(last.offset),
    );
  return { seen, close: () => sub.close() };
}

describe('DurableEventLog — retention (compaction)', () => {
  let dir = '';
  let file = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'durable-log-retention-'));
    file = join(dir, 'events.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const open = async () => {
    const log = new DurableEventLog(file, {
      logger: silentLogger,
      inMemoryGroup: (g) => g.startsWith('view.'),
      saveDelayMs: 10,
      segmentBytes: 4096,
    });
    await log.open();
    return log;
  };
  /** Waits until the offsets file says `group` is at `offset` (what a crash would keep). */
  const savedAt = (group: string, offset: number) =>
    waitFor(() =>
      expect(
        (
          JSON.parse(readFileSync(join(dir, 'events.offsets.json'), 'utf8')) as {
            group: string;
            offset: number;
          }[]
        ).find((o) => o.group === group)?.offset,
      ).toBe(offset),
    );

  it('drops from memory and disk the records of a history topic every durable group has passed: segments deleted, files shrink; governance events stay', async () => {
    const log = await open();
    const governance = [0, 1, 2].map(orgCreated);
    await log.publishBatch(tenancyTopic, governance);
    await log.publishBatch(
      policyViolatedTopic,
      Array.from({ length: 200 }, (_, i) => violation(i)),
    );
    await consume(log, policyViolatedTopic, 'sink', 200);
    // The offsets file is written once the records before them are in the files: measure
    // the disk after that (the segment writes are asynchronous; a loaded CI box saw 555 bytes).
    await savedAt('sink', 200);
    const segmentsBefore = segmentFiles(file).length;
    const bytesBefore = bytesOnDisk(file);
    await log.compact();

    expect(log.baseOffset(policyViolatedTopic.name)).toBe(200);
    expect(log.readTopic(policyViolatedTopic.name)).toEqual([]);
    expect(log.readTopic(tenancyTopic.name)).toHaveLength(3);
    expect(segmentFiles(file).length).toBeLessThan(segmentsBefore);
    expect(bytesOnDisk(file)).toBeLessThan(bytesBefore / 10);
    const lines = onDisk(file);
    // Only the segment being written may hold some still.
    expect(
      lines.filter((l) => l.t === policyViolatedTopic.name && l.seq < log.currentSegment()),
    ).toEqual([]);
    expect(lines.filter((l) => l.t === tenancyTopic.name).map((l) => l.id)).toEqual(
      governance.map((e) => e.id),
    );
    await log.close();
    // The segment that was being written, untouched then, goes at the next start.
    const next = await open();
    expect(onDisk(file).filter((l) => l.t === policyViolatedTopic.name)).toEqual([]);
    await next.close();
  });

  it('keeps what a group has not handled; after a restart, groups resume exactly, new records continue the numbering, a new group starts at the base', async () => {
    const first = await open();
    const sent = Array.from({ length: 100 }, (_, i) => violation(i));
    await first.publishBatch(policyViolatedTopic, sent.slice(0, 60));
    const slow = await consume(first, policyViolatedTopic, 'slow', 60);
    await slow.close();
    await first.publishBatch(policyViolatedTopic, sent.slice(60));
    await consume(first, policyViolatedTopic, 'sink', 100);
    await first.compact();
    // `slow` is at 60: nothing from 60 on is gone, nothing below is kept.
    expect(first.baseOffset(policyViolatedTopic.name)).toBe(60);
    expect(
      onDisk(file)
        .filter((l) => l.t === policyViolatedTopic.name)
        .map((l) => l.o),
    ).toEqual(Array.from({ length: 40 }, (_, i) => 60 + i));
    await first.close();

    const second = await open();
    const more = violation(100);
    await second.publish(policyViolatedTopic, more);
    const ids = (from: number, to: number) =>
      [...sent, more].slice(from, to).map((e, i) => ({ offset: from + i, id: e.id }));
    const sink = await consume(second, policyViolatedTopic, 'sink', 1);
    const resumed = await consume(second, policyViolatedTopic, 'slow', 41);
    const fresh = await consume(second, policyViolatedTopic, 'fresh', 41);
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.seen).toEqual(ids(100, 101));
    expect(resumed.seen).toEqual(ids(60, 101));
    expect(fresh.seen).toEqual(ids(60, 101));
    await second.close();
  });

  it("keeps the governance topics whole and the current and previous UTC months' request events; an in-memory view replays them after a restart", async () => {
    const now = new Date();
    const month = (back: number, day: number) =>
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, day, 12));
    const old = Array.from({ length: 50 }, (_, i) => completed(i, month(3, 10)));
    const recent = [
      ...Array.from({ length: 10 }, (_, i) => completed(50 + i, month(1, 1))),
      ...Array.from({ length: 10 }, (_, i) => completed(60 + i, now)),
    ];
    const first = await open();
    const governance = [0, 1].map(orgCreated);
    await first.publishBatch(tenancyTopic, governance);
    await first.publishBatch(requestsTopic, [...old, ...recent]);
    // The durable consumers (ledger, audit) have handled everything.
    await consume(first, requestsTopic, 'ledger', 70);
    await consume(first, tenancyTopic, 'audit', 2);
    await first.compact(now);
    expect(first.baseOffset(requestsTopic.name)).toBe(50);
    expect(first.baseOffset(tenancyTopic.name)).toBe(0);
    await first.close();

    const second = await open();
    const view = await consume(second, requestsTopic, 'view.requests', 20);
    const tenancy = await consume(second, tenancyTopic, 'view.tenancy', 2);
    expect(view.seen).toEqual(recent.map((e, i) => ({ offset: 50 + i, id: e.id })));
    expect(tenancy.seen.map((s) => s.id)).toEqual(governance.map((e) => e.id));
    expect(second.caughtUp()).toBe(true);
    await second.close();
  });

  it.each(['trim', 'rewrite', 'bases'] as const)(
    'a crash after the %s step of a compaction leaves a log that loads with the right offsets',
    async (step) => {
      const first = await open();
      const sent = Array.from({ length: 120 }, (_, i) => violation(i));
      await first.publishBatch(policyViolatedTopic, sent.slice(0, 70));
      const slow = await consume(first, policyViolatedTopic, 'slow', 70);
      await slow.close();
      await first.publishBatch(policyViolatedTopic, sent.slice(70));
      await consume(first, policyViolatedTopic, 'sink', 120);
      await savedAt('sink', 120);
      await first.compact(new Date(), step);
      // A rewrite the crash interrupted leaves a temp file: ignored, removed.
      writeFileSync(`${segmentPath(file, 1)}.tmp`, '{"t":"policy.violated","o":0,"b":');

      // The crashed process is not closed: the next one opens the files as they are.
      const second = await open();
      const fresh = await consume(second, policyViolatedTopic, 'fresh', 50);
      const sink = await consume(second, policyViolatedTopic, 'sink', 0);
      await second.publish(policyViolatedTopic, violation(120));
      await waitFor(() => expect(sink.seen).toHaveLength(1));
      expect(sink.seen[0]!.offset).toBe(120);
      expect(fresh.seen.slice(0, 50)).toEqual(
        sent.slice(70).map((e, i) => ({ offset: 70 + i, id: e.id })),
      );
      expect(onDisk(file).filter((l) => l.o !== undefined && l.o < 70)).toEqual([]);
      await second.close();
      await first.close();
    },
  );

  it('numbers the lines of files from earlier versions (no offsets) by counting, rewrites them with offsets, and resumes a group exactly', async () => {
    const sent = Array.from({ length: 20 }, (_, i) => violation(i));
    const legacy = (events: typeof sent) =>
      events
        .map((e) => {
          const { data, ...envelope } = e;
          return `${JSON.stringify({
            t: policyViolatedTopic.name,
            b: {
              key: e.subject,
              value: JSON.stringify(data),
              headers: {
                ce_specversion: '1.0',
                ce_id: envelope.id,
                ce_type: envelope.type,
                ce_source: envelope.source,
                ce_time: envelope.time,
                ce_subject: envelope.subject,
                'content-type': 'application/json',
              },
            },
          })}\n`;
        })
        .join('');
    writeFileSync(file, legacy(sent.slice(0, 10)));
    writeFileSync(segmentPath(file, 1), legacy(sent.slice(10)));
    writeFileSync(
      join(dir, 'events.offsets.json'),
      JSON.stringify([{ topic: policyViolatedTopic.name, group: 'sink', offset: 15 }]),
    );
    const first = await open();
    // Compacted at open: the first file deleted, the second rewritten with offsets.
    expect(first.baseOffset(policyViolatedTopic.name)).toBe(15);
    expect(onDisk(file).map((l) => [l.o, l.id])).toEqual(
      sent.slice(15).map((e, i) => [15 + i, e.id]),
    );
    const sink = await consume(first, policyViolatedTopic, 'sink', 5);
    expect(sink.seen).toEqual(sent.slice(15).map((e, i) => ({ offset: 15 + i, id: e.id })));
    await first.close();
  });
});
