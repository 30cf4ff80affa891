import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { allTopics, internalTopics, type EventOf, type TopicDescriptor } from '@llmgov/events';
import {
  InProcessEventBus,
  type BinaryRecord,
  type EventBus,
  type InProcessEventBusOptions,
  type PublishOptions,
  type RawRecord,
  type SubscribeOptions,
  type Subscription,
} from '@llmgov/messaging';

/** A line of the log file: `b` (every record, as the bus holds it); `e` and `r` from files of earlier versions. */
type Line =
  { t: string; b: BinaryRecord } | { t: string; e: unknown } | { t: string; r: RawRecord };

interface SavedOffset {
  topic: string;
  group: string;
  offset: number;
}

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
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * The log's files in order: the base file (`events.jsonl`, written by earlier versions and
 * the first segment now), then `events.000001.jsonl`, `events.000002.jsonl`, … by number.
 */
export function segmentFiles(file: string): { path: string; seq: number }[] {
  const dir = dirname(file);
  const stem = basename(file).replace(/\.jsonl$/, '');
  const pattern = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{6})\\.jsonl$`);
  const found = existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const m = pattern.exec(name);
        return m ? [{ path: join(dir, name), seq: Number(m[1]) }] : [];
      })
    : [];
  found.sort((a, b) => a.seq - b.seq);
  return existsSync(file) ? [{ path: file, seq: 0 }, ...found] : found;
}

const segmentPath = (file: string, seq: number) =>
  seq === 0
    ? file
    : join(
        dirname(file),
        `${basename(file).replace(/\.jsonl$/, '')}.${String(seq).padStart(6, '0')}.jsonl`,
      );

const key = (topic: string, group: string) => `${topic}\u0000${group}`;

/**
 * The embedded mode's event log: the in-process bus made durable, as Kafka's log and
 * committed offsets are. Every record appended to any topic (dead letters included) is
 * written, in log order, to JSON-lines segment files under DATA_DIR (rolled by size, see
 * `segmentFiles`) and reloaded into the bus at start, before any service subscribes. Each consumer group's committed offset is kept in
 * a second file, so after a restart a group with durable state (ledger, audit, projections)
 * resumes where it was instead of replaying the whole log; in-memory views rebuild from the
 * beginning. `caughtUp()` answers whether every group has reached the end of what the log
 * held at start (readiness). Writes are buffered: a hard crash may lose the last few
 * milliseconds of events, which Kafka (the distributed mode) does not; an offset is written
 * only after the records before it reached the file, so a restart never skips an event.
 */
const INTERNAL_TOPICS = new Set<string>(internalTopics.map((t) => t.name));

export class DurableEventLog implements EventBus {
  private readonly inner: InProcessEventBus;
  private readonly offsetsFile: string;
  private readonly inMemoryGroup: (group: string) => boolean;
  private readonly saveDelayMs: number;
  private readonly byName = new Map<string, TopicDescriptor>(
    allTopics.map((t) => [t.name, t as unknown as TopicDescriptor]),
  );
  private out?: WriteStream;
  private replaying = false;
  private saved = new Map<string, SavedOffset>();
  /** Groups subscribed in this run and their committed offsets. */
  private readonly live = new Map<string, SavedOffset>();
  /** How many records each topic held when the log was opened. */
  private readonly endsAtStart = new Map<string, number>();
  private caughtUpLatched = false;
  private saveTimer?: NodeJS.Timeout;
  private saving: Promise<void> = Promise.resolve();
  private readonly segmentBytes: number;
  private readonly maxBatchSize?: number;
  private segment = 0;
  private segmentSize = 0;
  /** Resolves once the segments rolled away from are flushed and closed. */
  private rolled: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    options: DurableEventLogOptions = {},
  ) {
    const { offsetsFile, inMemoryGroup, saveDelayMs, segmentBytes, maxBatchSize, ...busOptions } =
      options;
    this.segmentBytes = segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.maxBatchSize = maxBatchSize;
    this.offsetsFile = offsetsFile ?? file.replace(/(\.jsonl)?$/, '.offsets.json');
    this.inMemoryGroup = inMemoryGroup ?? (() => false);
    this.saveDelayMs = saveDelayMs ?? 200;
    this.inner = new InProcessEventBus({
      ...busOptions,
      durability: {
        appended: (topic, record) => {
          // Internal topics (the gateway replicas' heartbeats) are live signals, not history.
          if (INTERNAL_TOPICS.has(topic)) return;
          if (!this.replaying) this.append(`${JSON.stringify({ t: topic, b: record })}\n`);
        },
        committed: (topic, group) =>
          this.inMemoryGroup(group) ? undefined : this.saved.get(key(topic, group))?.offset,
        commit: (topic, group, offset) => this.commit(topic, group, offset),
      },
    });
  }

  /** Reloads the file into the bus and the groups' offsets, then opens the file for appending. Returns how many records were loaded. */
  async open(): Promise<number> {
    let count = 0;
    this.replaying = true;
    try {
      for (const segment of segmentFiles(this.file)) {
        this.segment = segment.seq;
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
          if ('b' in line) this.inner.appendRaw(line.t, line.b);
          else if ('r' in line) await this.inner.publishRaw(line.t, [line.r]);
          else {
            const topic = this.byName.get(line.t);
            if (topic) await this.inner.publish(topic, line.e as never);
          }
          this.endsAtStart.set(line.t, (this.endsAtStart.get(line.t) ?? 0) + 1);
          count++;
        }
      }
    } finally {
      this.replaying = false;
    }
    if (existsSync(this.offsetsFile)) {
      const offsets = JSON.parse(readFileSync(this.offsetsFile, 'utf8')) as SavedOffset[];
      this.saved = new Map(offsets.map((o) => [key(o.topic, o.group), o]));
    }
    mkdirSync(dirname(this.file), { recursive: true });
    // Appends go to a fresh segment: a torn last line of the previous run stays at its end.
    this.openSegment(this.segment + 1);
    return count;
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
    await this.inner.close();
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
    this.out = createWriteStream(segmentPath(this.file, seq), { flags: 'a' });
  }

  private commit(topic: string, group: string, offset: number): void {
    const k = key(topic, group);
    this.live.set(k, { topic, group, offset });
    if (this.inMemoryGroup(group)) return;
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
