import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { open as openFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { allTopics, internalTopics, type EventOf, type TopicDescriptor } from '@llmgov/events';
import {
  CE_HEADERS,
  InProcessEventBus,
  stderrLogger,
  type BinaryRecord,
  type EventBus,
  type InProcessEventBusOptions,
  type MessagingLogger,
  type PublishOptions,
  type RawRecord,
  type SubscribeOptions,
  type Subscription,
} from '@llmgov/messaging';
import { nextBase, retentionOf, windowStart } from './event-log-retention';
import { planSegment, segmentFiles, segmentPath, type SegmentRanges } from './event-log-segments';

/**
 * A line of the log file: `b` (every record, as the bus holds it) with `o`, its offset in its
 * topic; lines without `o` (and the `e` and `r` lines) come from files of earlier versions.
 */
type Line =
  | { t: string; b: BinaryRecord; o?: number }
  | { t: string; e: unknown }
  | { t: string; r: RawRecord };

interface SavedOffset {
  topic: string;
  group: string;
  offset: number;
}

/** Where compaction may stop, as a crash there would (tests of crash safety). */
export type CompactionStep = 'trim' | 'rewrite' | 'bases';

export interface DurableEventLogOptions extends Omit<InProcessEventBusOptions, 'durability'> {
  /** Where committed offsets are kept (default: the log file's name with `.offsets.json`). */
  offsetsFile?: string;
  /**
   * Groups whose state lives in memory only (a replica's views of keys, policies, peers):
   * they start from the beginning at every start, as a fresh group on Kafka does (there the
   * replica id, part of their name, is new at every start). Default: none.
   */
  inMemoryGroup?: (group: string) => boolean;
  /** How long a moved offset may wait before it is written (ms, default 200). */
  saveDelayMs?: number;
  /** Size (bytes) past which the log rolls to a new segment file (default 64 MiB). */
  segmentBytes?: number;
  /**
   * Most records a batch handler gets at once when its subscription names no size (default
   * the bus's, 500). One PGlite thread runs every service's transactions, so under a backlog
   * fewer, larger ones let ingest keep up (issue 17 item 8, docs/benchmarks.md).
   */
  maxBatchSize?: number;
  /** Whole UTC months of request events kept before the current one (default 1). */
  retentionMonths?: number;
  /** How often the log compacts while running (ms, default 1 h; it also does at `open`). */
  compactEveryMs?: number;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const DEFAULT_COMPACT_EVERY_MS = 60 * 60 * 1000;

const key = (topic: string, group: string) => `${topic}\u0000${group}`;

/** Writes a file whole and durably, then renames it into place: readers see the old or the new. */
async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await openFile(tmp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

const INTERNAL_TOPICS = new Set<string>(internalTopics.map((t) => t.name));

/**
 * The embedded mode's event log: the in-process bus made durable, as Kafka's log and
 * committed offsets are. Every record appended to any topic (dead letters included) is
 * written, in log order, to JSON-lines segment files under DATA_DIR (rolled by size, see
 * `segmentFiles`), each line with its offset, and reloaded into the bus at start, before any
 * service subscribes. Each consumer group's committed offset is kept in a second file, so
 * after a restart a group with durable state (ledger, audit, projections) resumes where it
 * was instead of replaying the whole log; in-memory views rebuild from the beginning of
 * what is kept. `caughtUp()` answers whether every group has reached the end of what the
 * log held at start (readiness). Writes are buffered: a hard crash may lose the last few
 * milliseconds of events, which Kafka (the distributed mode) does not; an offset is written
 * only after the records before it reached the file, so a restart never skips an event.
 *
 * Retention (`compact`, at open and every `compactEveryMs`): each topic's log-start offset
 * moves up as far as `retentionOf` allows (never past a group, never into the request
 * events of the window the budgets fold), the bus forgets the records below it, and on disk
 * closed segments holding only such records are deleted and those holding some are
 * rewritten without them. The segment being appended to is never touched. Crash safety
 * rests on the offset in every line: a line's offset is its own, so loading skips a line
 * already loaded, and a line past the topic's end means the records between were deleted
 * (prefixes only are), so the topic's base jumps to it. The bases are also kept in a third
 * file (`.bases.json`), applied after loading, for topics whose kept records are all gone
 * from disk (their next record must keep the numbering). Order: trim memory, rewrite
 * (temp file, fsync, rename), write the bases, delete. Files of earlier versions have lines
 * without offsets, numbered by counting: compaction rewrites each such segment it keeps
 * before it deletes any, so counting never runs across a deleted segment. A crash at any
 * step leaves every needed record on disk with its offset, at worst some unneeded ones too.
 */
export class DurableEventLog implements EventBus {
  private readonly inner: InProcessEventBus;
  private readonly offsetsFile: string;
  private readonly basesFile: string;
  private readonly inMemoryGroup: (group: string) => boolean;
  private readonly saveDelayMs: number;
  private readonly logger: MessagingLogger;
  private readonly byName = new Map<string, TopicDescriptor>(
    allTopics.map((t) => [t.name, t as unknown as TopicDescriptor]),
  );
  private out?: WriteStream;
  private replaying = false;
  private saved = new Map<string, SavedOffset>();
  /** Groups subscribed in this run and their committed offsets. */
  private readonly live = new Map<string, SavedOffset>();
  /** Each topic's end offset when the log was opened. */
  private readonly endsAtStart = new Map<string, number>();
  private caughtUpLatched = false;
  private saveTimer?: NodeJS.Timeout;
  private saving: Promise<void> = Promise.resolve();
  private readonly segmentBytes: number;
  private readonly maxBatchSize?: number;
  private readonly retentionMonths: number;
  private readonly compactEveryMs: number;
  private compactTimer?: NodeJS.Timeout;
  private compacting: Promise<void> = Promise.resolve();
  private segment = 0;
  private segmentSize = 0;
  /** Per segment file, the offsets of each topic's records in it. */
  private readonly ranges = new Map<number, SegmentRanges>();
  /** Segments with lines of earlier versions (no offsets). */
  private readonly unnumbered = new Set<number>();
  private readonly commitListeners = new Set<() => void>();
  /** Resolves once the segments rolled away from are flushed and closed. */
  private rolled: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    options: DurableEventLogOptions = {},
  ) {
    const {
      offsetsFile,
      inMemoryGroup,
      saveDelayMs,
      segmentBytes,
      maxBatchSize,
      retentionMonths,
      compactEveryMs,
      ...busOptions
    } = options;
    this.segmentBytes = segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.maxBatchSize = maxBatchSize;
    this.retentionMonths = retentionMonths ?? 1;
    this.compactEveryMs = compactEveryMs ?? DEFAULT_COMPACT_EVERY_MS;
    this.offsetsFile = offsetsFile ?? file.replace(/(\.jsonl)?$/, '.offsets.json');
    this.basesFile = file.replace(/(\.jsonl)?$/, '.bases.json');
    this.inMemoryGroup = inMemoryGroup ?? (() => false);
    this.saveDelayMs = saveDelayMs ?? 200;
    this.logger = busOptions.logger ?? stderrLogger;
    this.inner = new InProcessEventBus({
      ...busOptions,
      durability: {
        appended: (topic, record, offset) => {
          // Internal topics (the gateway replicas' heartbeats) are live signals, not history.
          if (INTERNAL_TOPICS.has(topic) || this.replaying) return;
          this.note(this.segment, topic, offset);
          this.append(`${JSON.stringify({ t: topic, o: offset, b: record })}\n`);
        },
        committed: (topic, group) =>
          this.inMemoryGroup(group) ? undefined : this.saved.get(key(topic, group))?.offset,
        commit: (topic, group, offset) => this.commit(topic, group, offset),
      },
    });
  }

  /**
   * Reloads the files into the bus and the groups' offsets, opens a new segment for
   * appending and compacts. Returns how many records were loaded.
   */
  async open(): Promise<number> {
    let count = 0;
    this.replaying = true;
    try {
      for (const segment of segmentFiles(this.file)) {
        this.segment = segment.seq;
        this.ranges.set(segment.seq, new Map());
        const lines = createInterface({
          input: createReadStream(segment.path),
          crlfDelay: Infinity,
        });
        for await (const text of lines) {
          if (!text.trim()) continue;
          let line: Line;
          try {
            line = JSON.parse(text) as Line;
          } catch {
            continue; // a torn last line after a crash
          }
          if (await this.load(segment.seq, line)) count++;
        }
      }
    } finally {
      this.replaying = false;
    }
    if (existsSync(this.basesFile)) {
      const bases = JSON.parse(readFileSync(this.basesFile, 'utf8')) as Record<string, number>;
      for (const [topic, base] of Object.entries(bases)) this.inner.trim(topic, base);
    }
    for (const topic of this.inner.topicNames())
      this.endsAtStart.set(topic, this.inner.endOffset(topic));
    if (existsSync(this.offsetsFile)) {
      const offsets = JSON.parse(readFileSync(this.offsetsFile, 'utf8')) as SavedOffset[];
      this.saved = new Map(offsets.map((o) => [key(o.topic, o.group), o]));
    }
    mkdirSync(dirname(this.file), { recursive: true });
    this.removeTempFiles();
    // Appends go to a fresh segment: a torn last line of the previous run stays at its end.
    this.openSegment(this.segment + 1);
    await this.compact();
    this.compactTimer = setInterval(
      () =>
        void this.compact().catch((error: unknown) =>
          this.logger.error({ error: String(error) }, 'event log compaction failed'),
        ),
      this.compactEveryMs,
    );
    this.compactTimer.unref();
    return count;
  }

  /**
   * Applies the retention rules (`event-log-retention.ts`) as of `now`: moves each topic's
   * log-start offset, frees the records below it, rewrites and deletes closed segments (see
   * the class comment for the order). One at a time; `stopAfter` ends it early, as a crash.
   */
  compact(now = new Date(), stopAfter?: CompactionStep): Promise<void> {
    const run = this.compacting.then(() => this.compactOnce(now, stopAfter));
    this.compacting = run.catch(() => undefined);
    return run;
  }

  /** A topic's log-start offset: the offset of its first record still kept. */
  baseOffset(topicName: string): number {
    return this.inner.baseOffset(topicName);
  }

  /** A copy of a topic's kept records. */
  readTopic(topicName: string): BinaryRecord[] {
    return this.inner.readTopic(topicName);
  }

  /**
   * True once every group subscribed in this run has handled what its topic held at start
   * (then stays true: later lag is ordinary consumption, not replay).
   */
  caughtUp(): boolean {
    if (this.caughtUpLatched) return true;
    const done = [...this.live.values()].every(
      (g) => g.offset >= (this.endsAtStart.get(g.topic) ?? 0),
    );
    if (done && this.live.size > 0) this.caughtUpLatched = true;
    return done;
  }

  /** The offset a group subscribed in this run has handled on a topic (0 if none yet). */
  committedOffset(topic: string, group: string): number {
    return this.live.get(key(topic, group))?.offset ?? 0;
  }

  /**
   * Records the durable groups subscribed in this run have yet to handle, over all topics:
   * 0 when every checkpoint is at its log's end (what a graceful stop then keeps).
   */
  backlog(): number {
    let total = 0;
    for (const g of this.live.values())
      if (!this.inMemoryGroup(g.group)) total += Math.max(0, this.logEnd(g.topic) - g.offset);
    return total;
  }

  /** The groups with durable state subscribed in this run, with their committed offsets. */
  *durableGroups(): Iterable<SavedOffset> {
    for (const g of this.live.values()) if (!this.inMemoryGroup(g.group)) yield g;
  }

  /**
   * When the record at `offset` was produced (its `ce_time`, ms), if it was appended in this
   * run (not loaded at `open`) and is still held; else undefined (`IngestPacer`).
   */
  liveRecordTime(topic: string, offset: number): number | undefined {
    if (offset < (this.endsAtStart.get(topic) ?? 0) || offset >= this.logEnd(topic))
      return undefined;
    const [record] = this.inner.slice(topic, offset, offset + 1);
    const time = record ? Date.parse(record.headers[CE_HEADERS.time]) : NaN;
    return Number.isNaN(time) ? undefined : time;
  }

  /** Calls `listener` after each commit of a durable group; returns how to stop. */
  onCommit(listener: () => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** How many records a topic holds: a group's lag is this minus its committed offset. */
  logEnd(topic: string): number {
    return this.inner.logEnd(topic);
  }

  async publish<T extends TopicDescriptor>(topic: T, event: EventOf<T>): Promise<void> {
    await this.inner.publish(topic, event);
  }

  async publishBatch<T extends TopicDescriptor>(
    topic: T,
    events: EventOf<T>[],
    options?: PublishOptions,
  ): Promise<void> {
    await this.inner.publishBatch(topic, events, options);
  }

  async publishRaw(topicName: string, records: RawRecord[]): Promise<void> {
    await this.inner.publishRaw(topicName, records);
  }

  subscribe<T extends TopicDescriptor>(options: SubscribeOptions<T>): Promise<Subscription> {
    return this.inner.subscribe({
      ...options,
      maxBatchSize: options.maxBatchSize ?? this.maxBatchSize,
    });
  }

  ensureTopics(topics: readonly TopicDescriptor[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  async close(): Promise<void> {
    clearInterval(this.compactTimer);
    await this.inner.close();
    await this.compacting;
    clearTimeout(this.saveTimer);
    await this.saving;
    const out = this.out;
    this.out = undefined;
    if (out) await new Promise<void>((resolve) => out.end(resolve));
    await this.rolled;
    this.writeOffsetsSync();
  }

  /** The number of the segment being written. */
  currentSegment(): number {
    return this.segment;
  }

  /** Puts a line read from a segment into the bus; false when it was already there. */
  private async load(seq: number, line: Line): Promise<boolean> {
    const end = this.inner.endOffset(line.t);
    if ('b' in line && line.o !== undefined) {
      if (line.o < end) return false;
      // Past the end: the records between were deleted (below a base), so are those before.
      if (line.o > end) this.inner.trim(line.t, line.o);
      this.inner.appendRaw(line.t, line.b);
      this.note(seq, line.t, line.o);
      return true;
    }
    if ('b' in line) this.inner.appendRaw(line.t, line.b);
    else if ('r' in line) await this.inner.publishRaw(line.t, [line.r]);
    else {
      const topic = this.byName.get(line.t);
      if (!topic) return false;
      await this.inner.publish(topic, line.e as never);
    }
    this.unnumbered.add(seq);
    this.note(seq, line.t, end);
    return true;
  }

  /** Notes that a segment holds a topic's record at `offset`. */
  private note(seq: number, topic: string, offset: number): void {
    let ranges = this.ranges.get(seq);
    if (!ranges) this.ranges.set(seq, (ranges = new Map()));
    const range = ranges.get(topic);
    if (range) range.last = offset;
    else ranges.set(topic, { first: offset, last: offset });
  }

  private async compactOnce(now: Date, stopAfter?: CompactionStep): Promise<void> {
    const cutoff = windowStart(now, this.retentionMonths);
    const groups = this.groupOffsets();
    for (const topic of this.inner.topicNames()) {
      const base = this.inner.baseOffset(topic);
      const next = nextBase(retentionOf(topic), {
        base,
        groups: groups.get(topic) ?? [],
        firstInWindow: () => this.firstInWindow(topic, base, cutoff),
      });
      if (next > base) this.inner.trim(topic, next);
    }
    if (stopAfter === 'trim') return;
    await this.rolled;
    const current = this.segment;
    const plans = [...this.ranges.entries()]
      .filter(([seq]) => seq < current)
      .map(([seq, ranges]) => ({
        seq,
        plan: planSegment(ranges, this.unnumbered.has(seq), (t) => this.inner.baseOffset(t)),
      }));
    for (const { seq, plan } of plans) if (plan === 'rewrite') await this.rewrite(seq);
    if (stopAfter === 'rewrite') return;
    const bases = Object.fromEntries(
      this.inner
        .topicNames()
        .filter((t) => !INTERNAL_TOPICS.has(t) && this.inner.baseOffset(t) > 0)
        .map((t) => [t, this.inner.baseOffset(t)]),
    );
    await replaceFile(this.basesFile, JSON.stringify(bases));
    if (stopAfter === 'bases') return;
    for (const { seq, plan } of plans)
      if (plan === 'delete') {
        await rm(segmentPath(this.file, seq), { force: true });
        this.ranges.delete(seq);
        this.unnumbered.delete(seq);
      }
  }

  /** Per topic, the offsets of every group known: this run's, and saved durable ones not seen yet. */
  private groupOffsets(): Map<string, number[]> {
    const all = new Map<string, SavedOffset>(this.saved);
    for (const [k, g] of this.live) all.set(k, g);
    const byTopic = new Map<string, number[]>();
    for (const g of all.values()) {
      if (!byTopic.has(g.topic)) byTopic.set(g.topic, []);
      byTopic.get(g.topic)!.push(g.offset);
    }
    return byTopic;
  }

  /** The first offset from `base` whose record's time is not before `cutoff` (or unknown). */
  private firstInWindow(topic: string, base: number, cutoff: number): number {
    const records = this.inner.slice(topic, base, this.inner.endOffset(topic));
    const i = records.findIndex((r) => !(Date.parse(r.headers.ce_time ?? '') < cutoff));
    return i < 0 ? base + records.length : base + i;
  }

  /** Rewrites a closed segment with only its records at or past their topics' bases, numbered. */
  private async rewrite(seq: number): Promise<void> {
    const kept: SegmentRanges = new Map();
    const lines: string[] = [];
    for (const [topic, range] of this.ranges.get(seq) ?? []) {
      const from = Math.max(range.first, this.inner.baseOffset(topic));
      if (from > range.last) continue;
      this.inner
        .slice(topic, from, range.last + 1)
        .forEach((b, i) => lines.push(`${JSON.stringify({ t: topic, o: from + i, b })}\n`));
      kept.set(topic, { first: from, last: range.last });
    }
    await replaceFile(segmentPath(this.file, seq), lines.join(''));
    this.ranges.set(seq, kept);
    this.unnumbered.delete(seq);
  }

  /** Rewrites a crash interrupted: the segments they were to replace are intact. */
  private removeTempFiles(): void {
    const dir = dirname(this.file);
    const stem = basename(this.file).replace(/\.jsonl$/, '');
    for (const name of readdirSync(dir))
      if (name.startsWith(`${stem}.`) && name.endsWith('.jsonl.tmp'))
        rmSync(join(dir, name), { force: true });
  }

  private append(line: string): void {
    if (!this.out) return;
    this.out.write(line);
    this.segmentSize += Buffer.byteLength(line);
    if (this.segmentSize >= this.segmentBytes) this.openSegment(this.segment + 1);
  }

  private openSegment(seq: number): void {
    const old = this.out;
    if (old) {
      const previous = this.rolled;
      const ended = new Promise<void>((resolve) => old.end(resolve));
      this.rolled = Promise.all([previous, ended]).then(() => undefined);
    }
    this.segment = seq;
    this.segmentSize = 0;
    this.ranges.set(seq, new Map());
    this.out = createWriteStream(segmentPath(this.file, seq), { flags: 'a' });
  }

  private commit(topic: string, group: string, offset: number): void {
    const k = key(topic, group);
    this.live.set(k, { topic, group, offset });
    if (this.inMemoryGroup(group)) return;
    for (const listener of this.commitListeners) listener();
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.saveOffsets()).catch(() => undefined);
    }, this.saveDelayMs);
  }

  /** The offsets as known now, written once the records before them are in the file. */
  private async saveOffsets(): Promise<void> {
    const snapshot = this.offsets();
    const out = this.out;
    await this.rolled;
    if (out) await new Promise<void>((resolve) => out.write('', () => resolve()));
    const tmp = `${this.offsetsFile}.tmp`;
    await writeFile(tmp, JSON.stringify(snapshot));
    await rename(tmp, this.offsetsFile);
  }

  private writeOffsetsSync(): void {
    const tmp = `${this.offsetsFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.offsets()));
    renameSync(tmp, this.offsetsFile);
  }

  /** Saved offsets of groups not seen this run are kept; those seen this run are current. */
  private offsets(): SavedOffset[] {
    const all = new Map(this.saved);
    for (const [k, g] of this.live) if (!this.inMemoryGroup(g.group)) all.set(k, { ...g });
    this.saved = all;
    return [...all.values()];
  }
}
