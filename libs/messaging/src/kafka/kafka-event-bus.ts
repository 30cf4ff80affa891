import { deadLetterTopicName, type EventOf, type TopicDescriptor } from '@llmgov/events';
import { Kafka, KafkaJSError, logLevel, Partitioners, type Admin, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import { structuredToBinary, toBinaryRecord, type BinaryRecord } from '../cloudevents';
import { deadLetterHeaders, type InboundRecord } from '../dead-letter';
import { deliver } from '../delivery';
import type { EventBus, RawRecord, SubscribeOptions, Subscription } from '../event-bus';
import { stderrLogger, type MessagingLogger } from '../logger';
import { defaultRetryPolicy, DeliveryAborted, type RetryPolicy } from '../retry-policy';
import { withSendSpan } from '../trace-context';
import { validateEvent } from '../validate';
import { headersToStrings, toKafkaMessage } from './kafka-records';
import { kafkaLogCreator } from './kafka-logger';
import { createTopics, type TopicLayout } from './kafka-topics';

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
}

/**
 * The EventBus on Kafka (kafkajs 2.2.4), CloudEvents in binary mode.
 *
 * Publishing: one idempotent producer (acks from all in-sync replicas, one request in
 * flight, so retries neither duplicate nor reorder records); the key is the event's
 * subject, so events of one aggregate stay in order on one partition.
 *
 * Consuming: one kafkajs consumer per subscription; the offset of a message is committed
 * right after its handler succeeds or it was dead-lettered, so a crash redelivers at most
 * the message in hand (at least once; consumers dedupe with the eventstore Inbox).
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
  private readonly producer: Producer;
  private producerReady?: Promise<void>;
  private admin?: Promise<Admin>;
  private readonly ensured = new Map<string, Promise<void>>();
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(options: KafkaEventBusOptions) {
    this.prefix = options.topicPrefix ?? '';
    this.logger = options.logger ?? stderrLogger;
    this.layout = { numPartitions: 3, replicationFactor: 1, ...options.topics };
    this.retry = { ...defaultRetryPolicy, ...options.retry };
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
      // Java-compatible murmur2, so Kafka Streams / Connect put a key on the same partition.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** The physical name of a logical topic (with the deployment prefix). */
  topicName(name: string): string {
    return `${this.prefix}${name}`;
  }

  async publish<T extends TopicDescriptor>(topic: T, event: EventOf<T>): Promise<void> {
    await this.publishBatch(topic, [event]);
  }

  async publishBatch<T extends TopicDescriptor>(topic: T, events: EventOf<T>[]): Promise<void> {
    const valid = events.map((e) => validateEvent(topic, e));
    await this.ensure([topic.name]);
    await withSendSpan(this.topicName(topic.name), 'kafka', (headers) => this.send(topic.name, valid.map((e) => toBinaryRecord(e, headers))));
  }

  /**
   * The outbox relay's path. The trace headers stored with each record are passed on,
   * so consumers' spans join the trace that wrote the event.
   */
  async publishRaw(topicName: string, records: RawRecord[]): Promise<void> {
    await this.ensure([topicName]);
    await this.send(topicName, records.map((r) => ({ ...structuredToBinary(r.value, r.headers), key: r.key })));
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
      // The broker's long-poll wait when there is nothing to read. Closing waits for the
      // fetch in flight, so this bounds shutdown; the cost is one idle fetch a second.
      maxWaitTimeInMs: 1000,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [physical], fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      // Commit after every message (kafkajs resolves an offset only once eachMessage
      // returned); the default would commit once per fetched batch.
      autoCommitThreshold: 1,
      eachMessage: async ({ partition, message, heartbeat }) => {
        try {
          await deliver(options.topic, inbound(physical, partition, message), options.handler, options.maxAttempts ?? 5, {
            system: 'kafka',
            group,
            retry: this.retry,
            logger: this.logger,
            signal: abort.signal,
            keepAlive: heartbeat,
            deadLetter: (record, cause) =>
              this.send(deadLetterTopicName(options.topic.name), [
                { key: record.key ?? '', value: record.value ?? '', headers: deadLetterHeaders(record, group, cause) },
              ]),
          });
        } catch (error) {
          // Closed mid-retry: throwing leaves the offset uncommitted. As a retriable
          // KafkaJSError it is neither logged as a handler failure nor crashes the
          // consumer; the runner, stopping, drops it.
          if (error instanceof DeliveryAborted) throw new KafkaJSError(error, { retriable: true });
          throw error;
        }
      },
    });
    const subscription: Subscription = {
      close: async () => {
        if (!this.subscriptions.delete(subscription)) return;
        // Aborting first ends a backoff wait at once; the message stays uncommitted.
        abort.abort();
        await consumer.disconnect();
      },
    };
    this.subscriptions.add(subscription);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.error({ group, topic: physical, error: String(payload.error), restart: payload.restart }, 'consumer crashed');
    });
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    if (this.producerReady) await this.producer.disconnect();
    if (this.admin) await (await this.admin).disconnect();
  }

  /** Sends to a topic this bus has ensured (dead-letter topics come with their topic). */
  private async send(logicalTopic: string, records: BinaryRecord[]): Promise<void> {
    this.assertOpen();
    this.producerReady ??= this.producer.connect();
    await this.producerReady;
    await this.producer.send({ topic: this.topicName(logicalTopic), acks: -1, messages: records.map(toKafkaMessage) });
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
        const physical = pending.flatMap((n) => [this.topicName(n), this.topicName(deadLetterTopicName(n))]);
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

const inbound = (topic: string, partition: number, message: KafkaMessage): InboundRecord => ({
  topic,
  partition,
  offset: message.offset,
  key: message.key?.toString() ?? null,
  value: message.value?.toString() ?? null,
  headers: headersToStrings(message.headers),
});
