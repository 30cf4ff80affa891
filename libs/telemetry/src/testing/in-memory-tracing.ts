import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { setTracingEnabled } from '../tracing/tracer';

export interface InMemoryTracing {
  /** Finished spans, in the order they ended. */
  spans(): ReadableSpan[];
  /** Finished spans with this name. */
  spansNamed(name: string): ReadableSpan[];
  /** Forgets the spans recorded so far. */
  reset(): void;
  /** Unregisters the provider, context manager and propagator (call in afterAll). */
  shutdown(): Promise<void>;
}

/**
 * For tests: registers globally a tracer provider that keeps finished spans in memory
 * (simple processor: a span is there as soon as it ends), an AsyncLocalStorage context
 * manager and the W3C trace-context propagator, and turns `withSpan` on.
 */
export function inMemoryTracing(): InMemoryTracing {
  const { context, propagation, trace } =
    require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } =
    require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { AsyncLocalStorageContextManager } =
    require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } =
    require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.disable();
  context.disable();
  propagation.disable();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  setTracingEnabled(true);
  return {
    spans: () => exporter.getFinishedSpans(),
    spansNamed: (name) => exporter.getFinishedSpans().filter((s) => s.name === name),
    reset: () => exporter.reset(),
    async shutdown() {
      setTracingEnabled(false);
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
