import type { EventOf, TopicDescriptor } from '@llmgov/events';
import type { Context } from '@opentelemetry/api';

/** What a handler learns about the message besides the event. */
export interface MessageContext {
  /** The topic's logical name (as in its descriptor, without any deployment prefix). */
  topic: string;
  partition: number;
  offset: string;
  /** Raw headers (ce_*, traceparent, …) as strings. */
  headers: Record<string, string>;
  /** How many times this message has been handed to this handler (1 on first delivery). */
  attempt: number;
}

export type EventHandler<T extends TopicDescriptor> = (
  event: EventOf<T>,
  ctx: MessageContext,
) => Promise<void>;

/** One message of a batch handed to a `BatchHandler`. */
export interface BatchItem<T extends TopicDescriptor> {
  event: EventOf<T>;
  ctx: MessageContext;
}

export type BatchHandler<T extends TopicDescriptor> = (items: BatchItem<T>[]) => Promise<void>;

/** One header of a record: its first value as UTF-8, undefined when the record has none. */
export type HeaderReader = (name: string) => string | undefined;

export interface SubscribeOptions<T extends TopicDescriptor> {
  topic: T;
  /** Consumer group: every group sees every event once; members of a group share partitions. */
  group: string;
  handler: EventHandler<T>;
  /**
   * Optional: consecutive messages of a partition handled together, in offset order (one
   * database transaction for many events). Skipped records are left out and malformed ones
   * dead-lettered first. If it throws, that batch's messages go through `handler` one by one
   * with the usual retry and dead-letter rules, so one bad event cannot hold back the others.
   * Offsets are committed only after the batch (or each of its messages) was handled.
   */
  batchHandler?: BatchHandler<T>;
  /** Most messages one `batchHandler` call receives (default 500). */
  maxBatchSize?: number;
  /** A new group starts from the earliest retained event (default true). */
  fromBeginning?: boolean;
  /**
   * How often a failing handler is retried (with backoff) before the message goes to the
   * dead-letter topic. `Infinity` means "never dead-letter; pause and retry" (audit).
   * Messages that fail to parse go to the dead-letter topic at once. Default 5.
   */
  maxAttempts?: number;
  /**
   * A cheap pre-filter on the record's headers (the CloudEvents `ce_*` attributes, e.g.
   * `ce_source`): a record it returns true for is acknowledged without being decoded,
   * validated or handed to the handler (a replica skipping the events it published itself).
   * It reads only the headers it names: on Kafka the others stay undecoded.
   */
  skip?: (header: HeaderReader) => boolean;
  /**
   * How long records may gather before the consumer takes them, for consumers that trade a
   * little freshness for fewer, larger batches (the ledger's, audit's and registry's ingest).
   * On Kafka a fetch then waits until 64 KiB are ready or this window has passed, instead of
   * answering as soon as one record arrives: under light load each service handles one
   * batch per window rather than one per record (one transaction and its round trips each).
   * Unset: records are taken as soon as they arrive. The in-process bus ignores it (its
   * deliveries are already batched per turn, and the embedded gateway paces itself to them).
   */
  batchWindowMs?: number;
}

/**
 * The batch window of the services' ingest consumers (ledger, audit, registry decision
 * inputs): their projections may trail the gateway by this much under light load, and in
 * exchange each takes one batch per window instead of one per record.
 */
export const INGEST_BATCH_WINDOW_MS = 200;

export interface Subscription {
  close(): Promise<void>;
}

/**
 * The one messaging contract. Adapters: Kafka (production, tests) and in-process
 * (embedded mode, unit tests). Both deliver each event to each group at least once, in
 * order per key; consumers are idempotent (eventstore Inbox) so at-least-once is enough.
 */
export interface EventBus {
  /** Validates the event against the topic's schema, then publishes it keyed by `subject`. */
  publish<T extends TopicDescriptor>(topic: T, event: EventOf<T>): Promise<void>;
  /** Publishes several events of one topic in one batch, in order (validated like `publish` unless told otherwise). */
  publishBatch<T extends TopicDescriptor>(
    topic: T,
    events: EventOf<T>[],
    options?: PublishOptions,
  ): Promise<void>;
  /**
   * Publishes an already-serialised envelope to a topic by name (the outbox relay's path:
   * it stored the validated event and its trace headers in the same transaction).
   */
  publishRaw(topicName: string, records: RawRecord[]): Promise<void>;
  subscribe<T extends TopicDescriptor>(options: SubscribeOptions<T>): Promise<Subscription>;
  /** Creates topics (and their dead-letter topics) that do not exist yet. */
  ensureTopics(topics: readonly TopicDescriptor[]): Promise<void>;
  close(): Promise<void>;
}

export interface PublishOptions {
  /**
   * `'schema'` (default): every event is parsed with its topic's zod schema and a mismatch
   * rejects the publish. `'envelope'`: only the CloudEvents envelope is checked (id, type,
   * source, time, subject are non-empty strings, data is an object) — for a hot-path producer
   * whose events are built by typed code and whose tests run with `'schema'` (the gateway's
   * event publisher: the full parse cost ~2% of its CPU per request). Consumers still parse
   * every event with the schema, so a wrong payload is dead-lettered, never applied.
   */
  validate?: 'schema' | 'envelope';
  /**
   * Each event's own trace context, in the order of the events (default: the active context
   * for all). A producer that batches the events of many requests passes the context each
   * was enqueued in, so every event carries its own request's `traceparent`, never the batch's.
   */
  traceContexts?: readonly Context[];
}

export interface RawRecord {
  key: string;
  /** The CloudEvents envelope as JSON (id, type, source, time, subject, data). */
  value: string;
  headers: Record<string, string>;
}
