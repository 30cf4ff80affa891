import { randomFillSync } from 'node:crypto';
import {
  context,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';

/**
 * Trace context crosses the bus as W3C `traceparent`/`tracestate` headers, beside the
 * CloudEvents attributes (as @opentelemetry/instrumentation-kafkajs does), one set per
 * message: a batch carries the events of many requests, and each keeps its own trace.
 * Everything goes through the global API, so with no SDK registered it is a no-op.
 */
const tracer = () => trace.getTracer('@llmgov/messaging');

const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage'] as const;

/**
 * The trace headers of a context (the active one by default). Every event carries a
 * `traceparent` (CONTRACT.md §5): with tracing off there is no propagator, so a fresh,
 * unsampled one (flags 00) still lets subscribers correlate what one request caused.
 */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const headers = Object.fromEntries(
    TRACE_HEADERS.filter((h) => carrier[h]).map((h) => [h, carrier[h]]),
  );
  if (!headers.traceparent) headers.traceparent = `00-${randomHex(16)}-${randomHex(8)}-00`;
  return headers;
}

/**
 * Random bytes as hex, cut from a pool refilled by one `randomFillSync` call per 4 KiB (as
 * Node's `randomUUID` buffers its entropy). `randomBytes(n)` per id allocated a buffer and
 * entered the CSPRNG twice per event: 4 % of the standalone gateway's CPU (docs/benchmarks.md).
 */
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomPool = randomFillSync(Buffer.allocUnsafe(RANDOM_POOL_BYTES));
    randomOffset = 0;
  }
  const hex = randomPool.toString('hex', randomOffset, randomOffset + bytes);
  randomOffset += bytes;
  return hex;
}

/** The context a record's headers carry (the active one when they carry none). */
export function extractContext(headers: Record<string, string>): Context {
  return propagation.extract(context.active(), headers);
}

type Operation = 'create' | 'send' | 'receive' | 'process';

const attributes = (topic: string, operation: Operation, system: string) => ({
  'messaging.system': system,
  'messaging.destination.name': topic,
  'messaging.operation.type': operation,
});

/**
 * Runs a publish of `ids.length` messages in the spans of the OpenTelemetry messaging
 * semantic conventions and hands `fn` each message's own trace headers
 * (https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/#batch-publishing):
 * - one message: a PRODUCER `send <topic>` span, child of the message's context, and the
 *   message carries the send span's context;
 * - several: per message a PRODUCER `create <topic>` span, child of that message's own
 *   context, whose context the message carries; then one CLIENT `send <topic>` span that
 *   links every message's creation context. With per-message `contexts` the send span
 *   starts a trace of its own: it belongs to no single request, and parenting it on one
 *   would put the other requests' batch into that request's trace.
 * `contexts[i]` is message i's context (default: the active context for every message).
 */
export async function withPublishSpans<T>(
  topic: string,
  system: string,
  ids: readonly string[],
  contexts: readonly Context[] | undefined,
  fn: (headers: Record<string, string>[]) => Promise<T>,
): Promise<T> {
  const active = context.active();
  const contextOf = (i: number): Context => contexts?.[i] ?? active;
  if (ids.length <= 1) {
    const options = {
      kind: SpanKind.PRODUCER,
      attributes: { ...attributes(topic, 'send', system), ...messageId(ids[0]) },
    };
    return tracer().startActiveSpan(`send ${topic}`, options, contextOf(0), (span) =>
      finish(span, () => fn([traceHeaders()])),
    );
  }
  const headers: Record<string, string>[] = [];
  const links: Link[] = [];
  for (let i = 0; i < ids.length; i++) {
    const parent = contextOf(i);
    const create = tracer().startSpan(
      `create ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { ...attributes(topic, 'create', system), ...messageId(ids[i]) },
      },
      parent,
    );
    headers.push(traceHeaders(trace.setSpan(parent, create)));
    create.end();
    if (isSpanContextValid(create.spanContext())) links.push({ context: create.spanContext() });
  }
  const options = {
    kind: SpanKind.CLIENT,
    root: contexts !== undefined,
    links,
    attributes: {
      ...attributes(topic, 'send', system),
      'messaging.batch.message_count': ids.length,
    },
  };
  return tracer().startActiveSpan(`send ${topic}`, options, active, (span) =>
    finish(span, () => fn(headers)),
  );
}

const messageId = (id: string | undefined): Record<string, string> =>
  id ? { 'messaging.message.id': id } : {};

/** Runs a handler in a CONSUMER span whose parent is the context the record carried. */
export async function withProcessSpan<T>(
  topic: string,
  system: string,
  headers: Record<string, string>,
  extra: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = extractContext(headers);
  const options = {
    kind: SpanKind.CONSUMER,
    attributes: { ...attributes(topic, 'process', system), ...extra },
  };
  return tracer().startActiveSpan(`process ${topic}`, options, parent, (span) => finish(span, fn));
}

/** One message of a batch handed to a batch handler at once. */
export interface BatchMessage {
  headers: Record<string, string>;
  /** e.g. `messaging.message.id`, `messaging.kafka.offset`. */
  attributes?: Record<string, string | number>;
}

/**
 * For a handler that takes a whole batch at once (one transaction for many events): one
 * CONSUMER `process <topic>` span per message, each a child of its own message's context,
 * so every request's trace gets its own events' processing; `fn` runs in a CLIENT
 * `receive <topic>` span of its own trace that links them all (semantic conventions for
 * batch receiving). A failure marks every span of the batch.
 */
export async function withBatchProcessSpans<T>(
  topic: string,
  system: string,
  messages: readonly BatchMessage[],
  extra: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  const spans = messages.map((m) =>
    tracer().startSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: { ...attributes(topic, 'process', system), ...extra, ...m.attributes },
      },
      extractContext(m.headers),
    ),
  );
  const links = spans
    .map((s) => s.spanContext())
    .filter(isSpanContextValid)
    .map((c): Link => ({ context: c }));
  const options = {
    kind: SpanKind.CLIENT,
    root: true,
    links,
    attributes: {
      ...attributes(topic, 'receive', system),
      ...extra,
      'messaging.batch.message_count': messages.length,
    },
  };
  return tracer().startActiveSpan(`receive ${topic}`, options, (receive) =>
    finish(receive, async () => {
      try {
        return await fn();
      } catch (error) {
        for (const span of spans) fail(span, error);
        throw error;
      } finally {
        for (const span of spans) span.end();
      }
    }),
  );
}

async function finish<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    fail(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function fail(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}
