import {
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';

/** Instrumentation scope of every span this project starts itself. */
export const TRACER_NAME = '@llmgov/telemetry';

const state = { enabled: false };

/**
 * True once an SDK is registered (`register.ts` with OTEL_* set, or `inMemoryTracing()`).
 * While false, `withSpan` runs its function directly: no span, no context switch.
 */
export const tracingEnabled = (): boolean => state.enabled;

/** Set by the two places that register a tracer provider. */
export function setTracingEnabled(on: boolean): void {
  state.enabled = on;
}

/**
 * The project's named tracer. Each call asks the global API for the tracer, so it follows
 * whichever provider is registered now (tests swap providers; a captured ProxyTracer would not).
 */
export const tracer: Tracer = {
  startSpan: (name, options, ctx) => trace.getTracer(TRACER_NAME).startSpan(name, options, ctx),
  startActiveSpan: ((...args: unknown[]) =>
    (trace.getTracer(TRACER_NAME).startActiveSpan as (...a: unknown[]) => unknown)(
      ...args,
    )) as Tracer['startActiveSpan'],
};

/** What `withSpan` hands its function when tracing is off: records nothing, costs nothing. */
export const NOOP_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

export interface WithSpanOptions {
  kind?: SpanKind;
}

/**
 * Runs `fn` inside an active span named `name` (ended when `fn` returns or its promise
 * settles; an exception marks it ERROR and is rethrown). With tracing off it is a plain call.
 */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => T,
  options: WithSpanOptions = {},
): T {
  if (!state.enabled) return fn(NOOP_SPAN);
  const spanOptions: SpanOptions = { kind: options.kind ?? SpanKind.INTERNAL, attributes };
  return tracer.startActiveSpan(name, spanOptions, (span) => runInSpan(span, fn));
}

function runInSpan<T>(span: Span, fn: (span: Span) => T): T {
  let result: T;
  try {
    result = fn(span);
  } catch (error) {
    failSpan(span, error);
    span.end();
    throw error;
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failSpan(span, error);
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

/** Marks a span failed with the error's type and message (never its payload). */
export function failSpan(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setAttribute('error.type', err.name || 'Error');
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
