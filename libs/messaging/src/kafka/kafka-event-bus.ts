import { setTimeout as sleep } from 'node:timers/promises';
import { deadLetterTopicName, type EventOf, type TopicDescriptor } from '@llmgov/events';
import { consumerLag, counter } from '@llmgov/telemetry';
import {
  Kafka,
  KafkaJSError,
  logLevel,
  type Admin,
  type Batch,
  type Consumer,
  type KafkaMessage,
  type Message,
  type Producer,
} from 'kafkajs';
import { structuredToBinary, toBinaryRecord, type BinaryRecord } from '../cloudevents';
import { deadLetterHeaders, type DeadLetterCause, type InboundRecord } from '../dead-letter';
import { deliver, deliverBatch, type DeliveryDeps } from '../delivery';
import type {
  EventBus,
  HeaderReader,
  RawRecord,
  SubscribeOptions,
  Subscription,
  PublishOptions,
} from '../event-bus';
import { stderrLogger, type MessagingLogger } from '../logger';
import { defaultRetryPolicy, DeliveryAborted, type RetryPolicy } from '../retry-policy';
import { withPublishSpans } from '../trace-context';
import { validateForPublish } from '../validate';
import { headersToStrings, toKafkaMessage } from './kafka-records';
import { kafkaLogCreator } from './kafka-logger';
import { createTopics, type TopicLayout } from './kafka-topics';
import { OffsetCommitter } from './offset-committer';
import { JavaCompatiblePartitioner } from './partitioner';
import { encodeKafkaRecordsInPooledBuffers } from './pooled-encoder';
import { scheduleKafkaChecksOnlyWhenPending } from './request-queue-timer';
import { SendCoalescer } from './send-coalescer';

interface OutgoingMessage {
  topic: string;
  message: Message;
}

export interface KafkaEventBusOptions {
  brokers: string[];
  clientId: string;
  /** Prepended to every topic and group name (tests, several tenants on one cluster). */
  topicPrefix?: string;
  logger?: MessagingLogger;
  /** Layout of topics created by `ensureTopics` (default 3 partitions, replication 1). */
  topics?: Partial<TopicLayout>;
  retry?: Partial<RetryPolicy>;
  /** Level of kafkajs's own log lines (default WARN). */
  kafkaLogLevel?: logLevel;
  /**
   * How many partitions of one subscription are handled at the same time (default: the
   * partition count of `topics`). Order holds per partition, hence per key; events of
   * different keys may be handled concurrently, as they are across replicas of a service.
   */
  partitionsConsumedConcurrently?: number;
  /** The broker's long-poll wait for a consumer fetch when nothing is there (default 200 ms). */
  maxWaitTimeInMs?: number;
}

/** Most messages handed to a subscription's `batchHandler` at once, unless it says otherwise. */
const DEFAULT_MAX_BATCH = 500;

/** Committing at most this often mid-batch (and always at the end of a batch). */
const AUTO_COMMIT_INTERVAL_MS = 1000;
/** How long closing waits for the last commit (what it misses is redelivered). */
const CLOSE_COMMIT_WAIT_MS = 3000;
const offsetCommits = counter({
  name: 'messaging_offset_commits_total',
  help: 'Offset commits a Kafka consumer group sent (at most about one a second while it handles records).',
  labelNames: ['topic', 'group'] as const,
});
/** What a fetch of a subscription with a batch window waits for, unless the window ends first. */
const BATCH_WINDOW_MIN_BYTES = 64 * 1024;

/**
 * The EventBus on Kafka (kafkajs 2.2.4), CloudEvents in binary mode.
 *
 * Publishing: one idempotent producer (acks from all in-sync replicas, one request in
 * flight, so retries neither duplicate nor reorder records); the key is the event's
 * subject, so events of one aggregate stay in order on one partition.
 *
 * Consuming: one kafkajs consumer per subscription, fed whole fetched batches
 * (`eachBatch`). The messages of a partition's batch go through `deliver` one after the
 * other, in offset order (parse → validate → handler → retry with backoff → dead-letter);
 * a message's offset is resolved once its handler succeeded or it was dead-lettered. Up to
 * `partitionsConsumedConcurrently` partitions are handled at the same time, so order holds
 * per partition, i.e. per key. Resolved offsets are committed when the batch ends (or
 * throws), and mid-batch at most once a second, not after every message: a crash or a
 * lost group membership redelivers at most the uncommitted tail of the batches in hand,
 * i.e. events whose handlers already ran (at least once; consumers dedupe by event id with
 * the eventstore Inbox). With `maxAttempts: Infinity` a failing handler is retried in place
 * (heartbeating while it backs off, so the member keeps its partitions); the messages
 * after it in the partition wait, and nothing is skipped. The lag left after each batch,
 * summed over the partitions the group's members in this process own, is
 * `messaging_consumer_lag_messages{topic,group}`.
 *
 * Topics are created (with their `.dlq`) before first use by this bus, whichever of
 * publish, subscribe or ensureTopics comes first.
 */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly prefix: string;
  private readonly logger: MessagingLogger;
  private readonly layout: TopicLayout;
  private readonly retry: RetryPolicy;
  private readonly partitionsConsumedConcurrently: number;
  private readonly maxWaitTimeInMs: number;
  private readonly producer: Producer;
  /** Concurrent publishes share a produce request (see SendCoalescer). */
  private readonly outgoing = new SendCoalescer<OutgoingMessage>((items) => this.produce(items));
  private producerReady?: Promise<void>;
  private admin?: Promise<Admin>;
  private readonly ensured = new Map<string, Promise<void>>();
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(options: KafkaEventBusOptions) {
    scheduleKafkaChecksOnlyWhenPending();
    encodeKafkaRecordsInPooledBuffers();
    this.prefix = options.topicPrefix ?? '';
    this.logger = options.logger ?? stderrLogger;
    this.layout = { numPartitions: 3, replicationFactor: 1, ...options.topics };
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.partitionsConsumedConcurrently = Math.max(
      1,
      options.partitionsConsumedConcurrently ?? this.layout.numPartitions,
    );
    this.maxWaitTimeInMs = options.maxWaitTimeInMs ?? 200;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: options.kafkaLogLevel ?? logLevel.WARN,
      logCreator: kafkaLogCreator(this.logger),
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 (kafkajs's DefaultPartitioner, without its Long arithmetic), so
      // Kafka Streams / Connect put a key on the same partition.
      createPartitioner: JavaCompatiblePartitioner,
    });
  }

  /** The physical name of a logical topic (with the deployment prefix). */
  topicName(name: string): string {
    return `${this.prefix}${name}`;
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
    await this.ensure([topic.name]);
    const ids = valid.map((e) => e.id);
    await withPublishSpans(
      this.topicName(topic.name),
      'kafka',
      ids,
      options?.traceContexts,
      (headers) =>
        this.send(
          topic.name,
          valid.map((e, i) => toBinaryRecord(e, headers[i])),
        ),
    );
  }

  /**
   * The outbox relay's path. The trace headers stored with each record are passed on,
   * so consumers' spans join the trace that wrote the event.
   */
  async publishRaw(topicName: string, records: RawRecord[]): Promise<void> {
    await this.ensure([topicName]);
    await this.send(
      topicName,
      records.map((r) => ({ ...structuredToBinary(r.value, r.headers), key: r.key })),
    );
  }

  async ensureTopics(topics: readonly TopicDescriptor[]): Promise<void> {
    await this.ensure(topics.map((t) => t.name));
  }

  async subscribe<T extends TopicDescriptor>(options: SubscribeOptions<T>): Promise<Subscription> {
    this.assertOpen();
    await this.ensure([options.topic.name]);
    const physical = this.topicName(options.topic.name);
    const group = this.topicName(options.group);
    const abort = new AbortController();
    const consumer = this.kafka.consumer({
      groupId: group,
      allowAutoTopicCreation: false,
      // The broker's long-poll wait when there is nothing to read (a fetch returns as soon as
      // a record arrives). Closing and rebalancing wait for the fetch in flight, so a short
      // wait keeps both quick; the cost is a few idle fetches a second.
      maxWaitTimeInMs: options.batchWindowMs ?? this.maxWaitTimeInMs,
      // With a batch window, the broker holds a fetch until this much is ready or the window
      // has passed (SubscribeOptions.batchWindowMs).
      minBytes: options.batchWindowMs === undefined ? 1 : BATCH_WINDOW_MIN_BYTES,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [physical], fromBeginning: options.fromBeginning ?? true });
    const lag = new LagReporter(physical, group);
    const deliveryDeps = (heartbeat: () => Promise<void>) => ({
      system: 'kafka' as const,
      group,
      retry: this.retry,
      logger: this.logger,
      signal: abort.signal,
      skip: options.skip,
      keepAlive: heartbeat,
      deadLetter: (record: InboundRecord, cause: DeadLetterCause) =>
        this.send(deadLetterTopicName(options.topic.name), [
          {
            key: record.key ?? '',
            value: record.value ?? '',
            headers: deadLetterHeaders(record, group, cause),
          },
        ]),
    });
    const commits = offsetCommits.labels(physical, group);
    const committer = new OffsetCommitter(
      physical,
      AUTO_COMMIT_INTERVAL_MS,
      async (offsets) => {
        await consumer.commitOffsets(offsets);
        commits.inc();
      },
      (error) =>
        this.logger.warn({ group, topic: physical, error: String(error) }, 'offset commit failed'),
    );
    await consumer.run({
      // Offsets are resolved one by one below and committed by the OffsetCommitter: once per
      // interval while records are handled, at once when the consumer stops, a batch fails or
      // the group rebalances. A long batch (a handler retrying) does not hold back the offsets
      // of the messages before it.
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.partitionsConsumedConcurrently,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        // Commits from inside a batch go straight to the group (they still work while the
        // consumer stops, which waits for this batch before it leaves the group).
        const commitNow = () =>
          committer.flush(async (offsets) => {
            await commitOffsetsIfNecessary({
              topics: [
                {
                  topic: physical,
                  partitions: offsets.map(({ partition, offset }) => ({ partition, offset })),
                },
              ],
            });
            commits.inc();
          });
        const handled = (offset: string) => {
          resolveOffset(offset);
          committer.handledUpTo(batch.partition, offset);
        };
        const keepAlive = async () => {
          try {
            await heartbeat();
          } catch (error) {
            await commitNow(); // rebalancing: what was handled stays handled
            throw error;
          }
        };
        try {
          await this.handleBatch(options, physical, batch, handled, deliveryDeps(keepAlive), {
            isRunning,
            isStale,
          });
        } catch (error) {
          await commitNow();
          // Closed mid-retry: throwing leaves this offset unresolved. As a retriable
          // KafkaJSError it is neither logged as a handler failure nor crashes the consumer;
          // the runner, stopping, drops it.
          if (error instanceof DeliveryAborted) throw new KafkaJSError(error, { retriable: true });
          throw error;
        }
        if (!isRunning()) await commitNow();
        else lag.report(batch.partition, Number(batch.offsetLag()));
      },
    });
    const subscription: Subscription = {
      close: async () => {
        if (!this.subscriptions.delete(subscription)) return;
        // Aborting first ends a backoff wait at once; the message stays uncommitted.
        abort.abort();
        committer.stop();
        // Bounded: during a rebalance kafkajs retries a commit for up to its retry time.
        await Promise.race([
          committer.flush(),
          sleep(CLOSE_COMMIT_WAIT_MS, undefined, { ref: false }),
        ]);
        await consumer.disconnect();
        lag.forgetAll();
      },
    };
    this.subscriptions.add(subscription);
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
      lag.keepOnly(payload.memberAssignment[physical] ?? []),
    );
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.error(
        { group, topic: physical, error: String(payload.error), restart: payload.restart },
        'consumer crashed',
      );
    });
    return subscription;
  }

  /**
   * Hands a fetched batch to the subscription's handlers: in slices to `batchHandler`, else
   * one message at a time; `handled` is told each offset done. Stops early when the consumer
   * stops or the partition was sought or revoked (the rest stays unresolved).
   */
  private async handleBatch<T extends TopicDescriptor>(
    options: SubscribeOptions<T>,
    physical: string,
    batch: Batch,
    handled: (offset: string) => void,
    deps: DeliveryDeps & { keepAlive: () => Promise<void> },
    state: { isRunning: () => boolean; isStale: () => boolean },
  ): Promise<void> {
    const maxAttempts = options.maxAttempts ?? 5;
    const { batchHandler, skip } = options;
    const size = batchHandler ? Math.max(1, options.maxBatchSize ?? DEFAULT_MAX_BATCH) : 1;
    const { messages } = batch;
    for (let i = 0; i < messages.length;) {
      if (!state.isRunning() || state.isStale()) return;
      // A run of records the subscription skips (a gateway's own request events: most of what
      // its view of the requests topic fetches) is passed over on the one header it reads:
      // nothing else converted, no delivery, one offset resolved and one heartbeat for the run.
      if (skip) {
        let end = i;
        while (end < messages.length && skip(kafkaHeader(messages[end]))) end++;
        if (end > i) {
          handled(messages[end - 1].offset);
          await deps.keepAlive();
          i = end;
          continue;
        }
      }
      const slice = messages.slice(i, i + size);
      i += slice.length;
      const records = slice.map((m) => inbound(physical, batch.partition, m));
      if (batchHandler)
        await deliverBatch(
          options.topic,
          records,
          { handler: options.handler, batchHandler, maxAttempts },
          deps,
        );
      else await deliver(options.topic, records[0], options.handler, maxAttempts, deps);
      handled(slice[slice.length - 1].offset);
      // Cheap when not due: kafkajs heartbeats once per heartbeatInterval.
      await deps.keepAlive();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    // Publishes already accepted finish before the producer goes (none are dropped).
    await this.outgoing.drained();
    if (this.producerReady) await this.producer.disconnect();
    if (this.admin) await (await this.admin).disconnect();
  }

  /** Sends to a topic this bus has ensured (dead-letter topics come with their topic). */
  private async send(logicalTopic: string, records: BinaryRecord[]): Promise<void> {
    this.assertOpen();
    this.producerReady ??= this.producer.connect();
    await this.producerReady;
    const topic = this.topicName(logicalTopic);
    await this.outgoing.send(records.map((r) => ({ topic, message: toKafkaMessage(r) })));
  }

  /** One produce request for everything queued: acks=all, topics in first-arrival order. */
  private async produce(items: OutgoingMessage[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of items) {
      const list = byTopic.get(topic);
      if (list) list.push(message);
      else byTopic.set(topic, [message]);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  /** Creates each topic and its `.dlq` once per bus; concurrent callers share the work. */
  private async ensure(logicalNames: string[]): Promise<void> {
    const pending = logicalNames.filter((n) => !this.ensured.has(n));
    if (pending.length > 0) {
      const work = (async () => {
        this.admin ??= (async () => {
          const admin = this.kafka.admin();
          await admin.connect();
          return admin;
        })();
        const physical = pending.flatMap((n) => [
          this.topicName(n),
          this.topicName(deadLetterTopicName(n)),
        ]);
        await createTopics(await this.admin, physical, this.layout);
      })();
      for (const n of pending) this.ensured.set(n, work);
      // A failed creation is retried by the next caller rather than cached.
      work.catch(() => pending.forEach((n) => this.ensured.delete(n)));
    }
    await Promise.all(logicalNames.map((n) => this.ensured.get(n)));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the Kafka event bus is closed');
  }
}

/**
 * The value is decoded when first read: a subscription's `skip` (a gateway passing over its
 * own request events, most of what it fetches) reads only the headers.
 */
/** A record's header as `SubscribeOptions.skip` reads it: only the one asked for is converted. */
const kafkaHeader =
  (message: KafkaMessage): HeaderReader =>
  (name) => {
    const value = message.headers?.[name];
    return (Array.isArray(value) ? value[0] : value)?.toString();
  };

const inbound = (topic: string, partition: number, message: KafkaMessage): InboundRecord => {
  let value: string | null | undefined;
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    get value() {
      if (value === undefined) value = message.value?.toString() ?? null;
      return value;
    },
    headers: headersToStrings(message.headers),
  };
};

/** Lag per partition of each (topic, group), shared by every member of the group in this process. */
const lagByPartition = new Map<string, Map<number, number>>();

/**
 * Feeds `messaging_consumer_lag_messages`: the messages left after each handled batch, per
 * partition, summed over the partitions that the group's members in this process own (one
 * process may run several members of a group; their partitions are disjoint).
 */
class LagReporter {
  private readonly labels: { topic: string; group: string };
  private readonly partitions: Map<number, number>;
  private readonly mine = new Set<number>();

  constructor(topic: string, group: string) {
    this.labels = { topic, group };
    const key = `${topic}\u0000${group}`;
    this.partitions = lagByPartition.get(key) ?? new Map();
    lagByPartition.set(key, this.partitions);
  }

  report(partition: number, lag: number): void {
    this.mine.add(partition);
    this.partitions.set(partition, lag);
    this.publish();
  }

  /** After a rebalance: partitions this member lost are reported by their new owner. */
  keepOnly(assigned: number[]): void {
    for (const p of [...this.mine]) if (!assigned.includes(p)) this.forget(p);
    this.publish();
  }

  forgetAll(): void {
    for (const p of [...this.mine]) this.forget(p);
    this.publish();
  }

  private forget(partition: number): void {
    this.mine.delete(partition);
    this.partitions.delete(partition);
  }

  private publish(): void {
    if (this.partitions.size === 0) consumerLag.remove(this.labels);
    else
      consumerLag.set(
        this.labels,
        [...this.partitions.values()].reduce((a, b) => a + b, 0),
      );
  }
}
