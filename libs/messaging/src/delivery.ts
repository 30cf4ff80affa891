import type { EnvelopeBase, EventOf, TopicDescriptor } from '@llmgov/events';
import { fromBinaryRecord } from './cloudevents';
import type { DeadLetterCause, InboundRecord } from './dead-letter';
import type { BatchHandler, EventHandler, HeaderReader, MessageContext } from './event-bus';
import type { MessagingLogger } from './logger';
import { backoffDelay, DeliveryAborted, pause, type RetryPolicy } from './retry-policy';
import { withBatchProcessSpans, withProcessSpan } from './trace-context';

/** What an adapter supplies so both adapters apply the same consume rules. */
export interface DeliveryDeps {
  system: 'kafka' | 'in-process';
  group: string;
  retry: RetryPolicy;
  logger: MessagingLogger;
  /** Writes the record to `<topic>.dlq`; must not resolve before the write is durable. */
  deadLetter(record: InboundRecord, cause: DeadLetterCause): Promise<void>;
  /** Called while waiting between attempts (Kafka: heartbeat). */
  keepAlive?(): Promise<void>;
  /** Aborted when the subscription or the bus closes. */
  signal: AbortSignal;
  /** The subscription's header pre-filter (SubscribeOptions.skip). */
  skip?: (header: HeaderReader) => boolean;
  /**
   * How a record becomes a validated envelope (default `decodeRecord`). It must hand each
   * call an object of its own: handlers may mutate what they get.
   */
  decode?: typeof decodeRecord;
}

export type DeliveryOutcome = 'handled' | 'dead_lettered';

/**
 * Decodes, validates and hands one record to a handler:
 * - a record that is not a CloudEvent, not JSON or not of the topic's schema goes to the
 *   dead-letter topic at once (retrying cannot fix it) and the consumer moves on;
 * - a handler that throws is retried with exponential backoff, `maxAttempts` times in
 *   all, then dead-lettered; with `Infinity` it is retried until it succeeds or the
 *   subscription closes (audit must not lose an event).
 * Rejects only with DeliveryAborted or when the dead-letter write fails, so the caller
 * leaves the offset uncommitted and the record is delivered again.
 */
export async function deliver<T extends TopicDescriptor>(
  topic: T,
  record: InboundRecord,
  handler: EventHandler<T>,
  maxAttempts: number,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  if (deps.skip?.((name) => record.headers[name])) return 'handled';
  const decode = deps.decode ?? decodeRecord;
  const decoded = decode(topic, record);
  if (!decoded.ok)
    return deadLetter(record, { reason: decoded.reason, error: decoded.detail, attempts: 0 }, deps);
  const event = decoded.envelope;
  for (let attempt = 1; ; attempt++) {
    if (deps.signal.aborted) throw new DeliveryAborted();
    const ctx = {
      topic: topic.name,
      partition: record.partition,
      offset: record.offset,
      headers: { ...record.headers },
      attempt,
    };
    try {
      const attrs = {
        'messaging.consumer.group.name': deps.group,
        'messaging.message.id': event.id,
        'messaging.kafka.offset': record.offset,
        'llmgov.delivery.attempt': attempt,
      };
      // A fresh copy per attempt: a handler that mutated the event and then failed must
      // not see its own mutation on the retry. The first attempt gets the freshly decoded
      // event itself; a retry decodes the record again (it decoded once, so it does again).
      const fresh =
        attempt === 1 ? event : (decode(topic, record) as { envelope: EnvelopeBase }).envelope;
      await withProcessSpan(record.topic, deps.system, record.headers, attrs, () =>
        handler(fresh as EventOf<T>, ctx),
      );
      return 'handled';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const fields = {
        topic: record.topic,
        group: deps.group,
        offset: record.offset,
        event_id: event.id,
        attempt,
        error: message,
      };
      if (attempt >= maxAttempts) {
        deps.logger.error(fields, 'handler failed; dead-lettering the event');
        return deadLetter(
          record,
          { reason: 'handler_failed', error: message, attempts: attempt },
          deps,
        );
      }
      const delay = backoffDelay(attempt, deps.retry);
      deps.logger.warn({ ...fields, retry_in_ms: delay }, 'handler failed; retrying');
      await pause(delay, deps.signal, deps.keepAlive);
    }
  }
}

/** A subscription's handlers, as `deliverBatch` needs them. */
export interface BatchHandlers<T extends TopicDescriptor> {
  handler: EventHandler<T>;
  batchHandler: BatchHandler<T>;
  maxAttempts: number;
}

/**
 * Hands consecutive records of one partition to a batch handler in one call: skipped
 * records are left out, malformed ones dead-lettered (as `deliver` does). If the batch
 * handler throws, each record goes through `deliver` with the single handler, so the
 * retry and dead-letter rules apply per message. Resolves once every record is handled.
 */
export async function deliverBatch<T extends TopicDescriptor>(
  topic: T,
  records: readonly InboundRecord[],
  handlers: BatchHandlers<T>,
  deps: DeliveryDeps,
): Promise<void> {
  const items: { record: InboundRecord; event: EnvelopeBase; ctx: MessageContext }[] = [];
  const decode = deps.decode ?? decodeRecord;
  for (const record of records) {
    if (deps.skip?.((name) => record.headers[name])) continue;
    const decoded = decode(topic, record);
    if (!decoded.ok)
      await deadLetter(
        record,
        { reason: decoded.reason, error: decoded.detail, attempts: 0 },
        deps,
      );
    else
      items.push({
        record,
        event: decoded.envelope,
        ctx: {
          topic: topic.name,
          partition: record.partition,
          offset: record.offset,
          headers: { ...record.headers },
          attempt: 1,
        },
      });
  }
  if (items.length === 0) return;
  if (deps.signal.aborted) throw new DeliveryAborted();
  const messages = items.map(({ record, event }) => ({
    headers: record.headers,
    attributes: { 'messaging.message.id': event.id, 'messaging.kafka.offset': record.offset },
  }));
  const extra = { 'messaging.consumer.group.name': deps.group, 'llmgov.delivery.attempt': 1 };
  try {
    await withBatchProcessSpans(records[0].topic, deps.system, messages, extra, () =>
      handlers.batchHandler(items.map(({ event, ctx }) => ({ event: event as EventOf<T>, ctx }))),
    );
    return;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.warn(
      {
        topic: records[0].topic,
        group: deps.group,
        from_offset: items[0].record.offset,
        count: items.length,
        error: message,
      },
      'batch handler failed; handling its events one by one',
    );
  }
  for (const { record } of items)
    await deliver(topic, record, handlers.handler, handlers.maxAttempts, deps);
}

/** Decodes a record (CloudEvents binary mode) and validates it with its topic's schema. */
export function decodeRecord(
  topic: TopicDescriptor,
  record: InboundRecord,
):
  | { ok: true; envelope: EnvelopeBase }
  | { ok: false; reason: DeadLetterCause['reason']; detail: string } {
  const decoded = fromBinaryRecord(record.headers, record.value);
  if (!decoded.ok) return decoded;
  const parsed = topic.schema.safeParse(decoded.envelope);
  if (!parsed.success)
    return {
      ok: false,
      reason: 'schema_mismatch',
      detail: parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; '),
    };
  return { ok: true, envelope: parsed.data as EnvelopeBase };
}

async function deadLetter(
  record: InboundRecord,
  cause: DeadLetterCause,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  if (cause.reason !== 'handler_failed') {
    deps.logger.warn(
      {
        topic: record.topic,
        group: deps.group,
        offset: record.offset,
        reason: cause.reason,
        error: cause.error,
      },
      'malformed message; dead-lettering it',
    );
  }
  await deps.deadLetter(record, cause);
  return 'dead_lettered';
}
