import { deadLetterTopicName, type EventOf, type TopicDescriptor } from '@llmgov/events';
import { structuredToBinary, toBinaryRecord, type BinaryRecord } from '../cloudevents';
import { deadLetterHeaders, type DeadLetterCause, type InboundRecord } from '../dead-letter';
import { decodeRecord, deliver, deliverBatch } from '../delivery';
import type {
  EventBus,
  RawRecord,
  SubscribeOptions,
  Subscription,
  PublishOptions,
} from '../event-bus';
import { stderrLogger, type MessagingLogger } from '../logger';
import { defaultRetryPolicy, DeliveryAborted, type RetryPolicy } from '../retry-policy';
import { withPublishSpans } from '../trace-context';
import { validateForPublish } from '../validate';

export interface InProcessEventBusOptions {
  logger?: MessagingLogger;
  retry?: Partial<RetryPolicy>;
  /** Keeps the logs and the groups' offsets across runs (the embedded mode's durable event log). */
  durability?: InProcessDurability;
}

/** What persists the in-process bus, as Kafka's log segments and committed offsets would. */
export interface InProcessDurability {
  /** Every record appended to a topic, in log order (dead letters included), with its offset. */
  appended(topicName: string, record: BinaryRecord, offset: number): void;
  /** The offset a group had committed in an earlier run; undefined: a new group. */
  committed(topicName: string, group: string): number | undefined;
  /** A group's committed offset moved (at subscription, then after each delivery). */
  commit(topicName: string, group: string, offset: number): void;
}

interface Member {
  topic: TopicDescriptor;
  handler: SubscribeOptions<TopicDescriptor>['handler'];
  batchHandler: SubscribeOptions<TopicDescriptor>['batchHandler'];
  maxBatchSize: number;
  maxAttempts: number;
  skip: SubscribeOptions<TopicDescriptor>['skip'];
  abort: AbortController;
}

/**
 * One topic's log, as a Kafka partition: the records from `base` (the log-start offset) on.
 * Offsets are absolute: a record keeps its offset when those before it are trimmed away.
 */
interface TopicLog {
  base: number;
  records: BinaryRecord[];
}

const endOf = (log: TopicLog) => log.base + log.records.length;

/** A consumer group of one topic: a committed offset and the members that share it. */
interface Group {
  name: string;
  log: TopicLog;
  topicName: string;
  offset: number;
  members: Member[];
  draining: boolean;
  /** The delivery in flight, if any: a member's `close` waits for it, as Kafka's disconnect does. */
  delivery?: Promise<unknown>;
}

/**
 * The EventBus in memory, for the embedded mode and unit tests. Same contract as Kafka:
 * per topic an append-only log (one partition) that `trim` may shorten from the front (a
 * log-start offset, as Kafka's retention moves; offsets stay absolute), per group an
 * offset; delivery is in
 * order, asynchronous (never inside the publisher's call stack) and at least once, with
 * the same decoding, validation, retry and dead-letter rules. Records are kept in
 * CloudEvents binary form, so every event is deep-copied through JSON and no object is
 * shared between publisher and consumer. Nothing survives the process unless `durability`
 * hooks keep the records and the groups' offsets (the embedded mode's durable event log).
 */
export class InProcessEventBus implements EventBus {
  private readonly logs = new Map<string, TopicLog>();
  private readonly groups = new Map<string, Group>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly retry: RetryPolicy;
  private readonly logger: MessagingLogger;
  private readonly durability?: InProcessDurability;
  /**
   * A stored record, once decoded and valid, as the JSON of its validated envelope, with the
   * schema that validated it: every group of a topic (ledger, audit, registry, the gateway's
   * views) decoded and validated the same record again, ~50 µs of the main thread per
   * gateway event (issue 17 item 8). Each consumer still gets its own object (JSON.parse).
   */
  private readonly decoded = new WeakMap<BinaryRecord, { schema: unknown; json: string }>();
  private closed = false;

  constructor(options: InProcessEventBusOptions = {}) {
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.logger = options.logger ?? stderrLogger;
    this.durability = options.durability;
  }

  async publish<T extends TopicDescriptor>(topic: T, event: EventOf<T>): Promise<void> {
    await this.publishBatch(topic, [event]);
  }

  async publishBatch<T extends TopicDescriptor>(
    topic: T,
    events: EventOf<T>[],
    options?: PublishOptions,
  ): Promise<void> {
    const valid = validateForPublish(topic, events, options);
    const ids = valid.map((e) => e.id);
    await withPublishSpans(
      topic.name,
      'in-process',
      ids,
      options?.traceContexts,
      async (headers) => {
        valid.forEach((event, i) => this.append(topic.name, toBinaryRecord(event, headers[i])));
      },
    );
  }

  async publishRaw(topicName: string, records: RawRecord[]): Promise<void> {
    const encoded = records.map((r) => ({ ...structuredToBinary(r.value, r.headers), key: r.key }));
    for (const record of encoded) this.append(topicName, record);
  }

  async subscribe<T extends TopicDescriptor>(options: SubscribeOptions<T>): Promise<Subscription> {
    this.assertOpen();
    const log = this.log(options.topic.name);
    const id = `${options.topic.name}\u0000${options.group}`;
    let group = this.groups.get(id);
    if (!group) {
      const committed = this.durability?.committed(options.topic.name, options.group);
      // Like Kafka: an offset below the log start (trimmed) resumes at the log start.
      const offset =
        committed !== undefined
          ? Math.max(log.base, Math.min(committed, endOf(log)))
          : options.fromBeginning === false
            ? endOf(log)
            : log.base;
      group = {
        name: options.group,
        log,
        topicName: options.topic.name,
        offset,
        members: [],
        draining: false,
      };
      this.groups.set(id, group);
      this.durability?.commit(group.topicName, group.name, offset);
    }
    const member: Member = {
      topic: options.topic,
      handler: options.handler as Member['handler'],
      batchHandler: options.batchHandler as Member['batchHandler'],
      maxBatchSize: Math.max(1, options.maxBatchSize ?? 500),
      maxAttempts: options.maxAttempts ?? 5,
      skip: options.skip,
      abort: new AbortController(),
    };
    group.members.push(member);
    this.schedule(group);
    const g = group;
    return {
      close: async () => {
        member.abort.abort();
        g.members = g.members.filter((m) => m !== member);
        // A batch being handled finishes (or stops at its next retry) before close resolves,
        // so the caller may then release what the handler uses (its database connections).
        await g.delivery?.catch(() => undefined);
        this.schedule(g);
      },
    };
  }

  async ensureTopics(topics: readonly TopicDescriptor[]): Promise<void> {
    for (const t of topics) {
      this.log(t.name);
      this.log(deadLetterTopicName(t.name));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const group of this.groups.values()) for (const m of group.members) m.abort.abort();
    await Promise.allSettled([...this.inflight]);
  }

  /**
   * Appends a record as is, bypassing encoding and validation: how tests put a malformed
   * message on a topic (on Kafka they produce raw bytes with kafkajs).
   */
  appendRaw(topicName: string, record: BinaryRecord): void {
    this.append(topicName, JSON.parse(JSON.stringify(record)) as BinaryRecord);
  }

  /** How many records a topic holds (its log end offset): a group's lag is this minus its offset. */
  logEnd(topicName: string): number {
    const log = this.logs.get(topicName);
    return log ? endOf(log) : 0;
  }

  /** A copy of a topic's records, e.g. `readTopic('x.v1.dlq')` to inspect dead letters. */
  readTopic(topicName: string): BinaryRecord[] {
    return JSON.parse(JSON.stringify(this.logs.get(topicName)?.records ?? [])) as BinaryRecord[];
  }

  /** The topics that have a log, trimmed or not. */
  topicNames(): string[] {
    return [...this.logs.keys()];
  }

  /** A topic's log-start offset: its first record's (0 until trimmed). */
  baseOffset(topicName: string): number {
    return this.logs.get(topicName)?.base ?? 0;
  }

  /** The offset the topic's next record gets. */
  endOffset(topicName: string): number {
    const log = this.logs.get(topicName);
    return log ? endOf(log) : 0;
  }

  /** The records at offsets [from, to) that the log still holds, not copied: read only. */
  slice(topicName: string, from: number, to: number): readonly BinaryRecord[] {
    const log = this.logs.get(topicName);
    if (!log) return [];
    return log.records.slice(Math.max(0, from - log.base), Math.max(0, to - log.base));
  }

  /**
   * Forgets a topic's records below `offset`, as Kafka's retention moves a log-start offset:
   * the others keep their offsets, a group behind it moves up to it. Past the end, the topic
   * is left empty and its next record gets `offset` (how a reloaded log resumes the numbering
   * of records deleted from disk).
   */
  trim(topicName: string, offset: number): void {
    const log = this.log(topicName);
    if (offset <= log.base) return;
    log.records = log.records.slice(Math.min(offset - log.base, log.records.length));
    log.base = offset;
    for (const group of this.groups.values())
      if (group.topicName === topicName && group.offset < offset) {
        group.offset = offset;
        this.durability?.commit(group.topicName, group.name, offset);
      }
  }

  private append(topicName: string, record: BinaryRecord): void {
    this.assertOpen();
    const log = this.log(topicName);
    log.records.push(record);
    this.durability?.appended(topicName, record, endOf(log) - 1);
    for (const group of this.groups.values())
      if (group.topicName === topicName) this.schedule(group);
  }

  private log(topicName: string): TopicLog {
    let log = this.logs.get(topicName);
    if (!log) this.logs.set(topicName, (log = { base: 0, records: [] }));
    return log;
  }

  /** Starts draining a group on a later turn of the event loop, unless it already is. */
  private schedule(group: Group): void {
    if (
      group.draining ||
      this.closed ||
      group.members.length === 0 ||
      group.offset >= endOf(group.log)
    )
      return;
    group.draining = true;
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain(group))
      .catch((error: unknown) =>
        this.logger.error(
          { topic: group.topicName, group: group.name, error: String(error) },
          'delivery stopped',
        ),
      );
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
  }

  private async drain(group: Group): Promise<void> {
    try {
      while (!this.closed && group.members.length > 0 && group.offset < endOf(group.log)) {
        // Like a partition, the log is consumed by one member of the group at a time.
        const member = group.members[0];
        const offset = group.offset;
        const end = member.batchHandler
          ? Math.min(endOf(group.log), offset + member.maxBatchSize)
          : offset + 1;
        const records = this.slice(group.topicName, offset, end).map(
          (stored, i): InboundRecord => ({
            topic: group.topicName,
            partition: 0,
            offset: String(offset + i),
            key: stored.key,
            value: stored.value,
            headers: { ...stored.headers },
          }),
        );
        const deps = {
          system: 'in-process' as const,
          group: group.name,
          retry: this.retry,
          logger: this.logger,
          signal: member.abort.signal,
          skip: member.skip,
          decode: (topic: TopicDescriptor, record: InboundRecord) =>
            this.decodeOnce(
              topic,
              record,
              group.log.records[Number(record.offset) - group.log.base],
            ),
          deadLetter: async (r: InboundRecord, cause: DeadLetterCause) =>
            this.append(deadLetterTopicName(group.topicName), {
              key: r.key ?? '',
              value: r.value ?? '',
              headers: deadLetterHeaders(r, group.name, cause),
            }),
        };
        try {
          group.delivery = member.batchHandler
            ? deliverBatch(
                member.topic,
                records,
                {
                  handler: member.handler,
                  batchHandler: member.batchHandler,
                  maxAttempts: member.maxAttempts,
                },
                deps,
              )
            : deliver(member.topic, records[0], member.handler, member.maxAttempts, deps);
          await group.delivery;
          // A trim during the delivery may have moved the group further already.
          group.offset = Math.max(end, group.offset);
          this.durability?.commit(group.topicName, group.name, group.offset);
        } catch (error) {
          // The member closed mid-delivery: the offset stays, the next member gets it again.
          if (!(error instanceof DeliveryAborted)) throw error;
        } finally {
          group.delivery = undefined;
        }
      }
    } finally {
      group.draining = false;
    }
  }

  private decodeOnce(
    topic: TopicDescriptor,
    record: InboundRecord,
    stored: BinaryRecord | undefined,
  ): ReturnType<typeof decodeRecord> {
    if (!stored) return decodeRecord(topic, record); // trimmed meanwhile: nothing to share
    const memo = this.decoded.get(stored);
    if (memo?.schema === topic.schema) return { ok: true, envelope: JSON.parse(memo.json) };
    const result = decodeRecord(topic, record);
    if (result.ok)
      this.decoded.set(stored, { schema: topic.schema, json: JSON.stringify(result.envelope) });
    return result;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the in-process event bus is closed');
  }
}
