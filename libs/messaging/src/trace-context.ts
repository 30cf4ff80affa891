import { randomBytes } from 'node:crypto';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';

/**
 * Trace context crosses the bus as W3C `traceparent`/`tracestate` headers, beside the
 * CloudEvents attributes (as @opentelemetry/instrumentation-kafkajs does). Everything
 * goes through the global API, so with no SDK registered it is a no-op.
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
  const headers = Object.fromEntries(TRACE_HEADERS.filter((h) => carrier[h]).map((h) => [h, carrier[h]]));
  if (!headers.traceparent) headers.traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;
  return headers;
}

/** The context a record's headers carry (the active one when they carry none). */
export function extractContext(headers: Record<string, string>): Context {
  return propagation.extract(context.active(), headers);
}

const attributes = (topic: string, operation: 'send' | 'process', system: string) => ({
  'messaging.system': system,
  'messaging.destination.name': topic,
  'messaging.operation.type': operation,
});

/**
 * Runs `fn` in a PRODUCER span and hands it the headers of that span, so consumers'
 * spans become its children (semantic conventions for messaging spans).
 */
export async function withSendSpan<T>(topic: string, system: string, fn: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(`send ${topic}`, { kind: SpanKind.PRODUCER, attributes: attributes(topic, 'send', system) }, (span) =>
    finish(span, () => fn(traceHeaders())),
  );
}

/** Runs a handler in a CONSUMER span whose parent is the context the record carried. */
export async function withProcessSpan<T>(
  topic: string,
  system: string,
  headers: Record<string, string>,
  extra: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = extractContext(headers);
  return context.with(parent, () =>
    tracer().startActiveSpan(
      `process ${topic}`,
      { kind: SpanKind.CONSUMER, attributes: { ...attributes(topic, 'process', system), ...extra } },
      (span) => finish(span, fn),
    ),
  );
}

async function finish<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs a batch handler under one CONSUMER span per record, each a child of the context its
 * record carried (several records may belong to several traces). The handler itself runs
 * in the context of the first record's span.
 */
export async function withProcessSpans<T>(
  topic: string,
  system: string,
  records: readonly { headers: Record<string, string>; extra: Record<string, string | number> }[],
  fn: () => Promise<T>,
): Promise<T> {
  const spans = records.map(({ headers, extra }) =>
    tracer().startSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes: { ...attributes(topic, 'process', system), ...extra } }, extractContext(headers)),
  );
  const active = spans.length > 0 ? trace.setSpan(context.active(), spans[0]) : context.active();
  try {
    return await context.with(active, fn);
  } catch (error) {
    for (const span of spans) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    }
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}
