import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { setTracingEnabled } from './tracer';

type Env = Record<string, string | undefined>;

/**
 * Tracing is on when an exporter is asked for: `OTEL_TRACES_EXPORTER` set to something other
 * than `none`, or an OTLP endpoint given. `OTEL_SDK_DISABLED=true` wins over both.
 */
export function tracingRequested(env: Env = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters =
    env.OTEL_TRACES_EXPORTER?.split(',')
      .map((e) => e.trim())
      .filter(Boolean) ?? [];
  if (exporters.length > 0) return !exporters.includes('none');
  return Boolean(
    env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim(),
  );
}

export interface StartTracingOptions {
  /** Used when OTEL_SERVICE_NAME is unset. */
  serviceName?: string;
  /** Replaces the exporter chosen from OTEL_TRACES_EXPORTER (tests). */
  spanProcessors?: SpanProcessor[];
  /** Start even if no OTEL_* variable asks for it (tests with `spanProcessors`). */
  force?: boolean;
}

interface Shutdownable {
  shutdown(): Promise<void>;
}

let running: Shutdownable | null = null;

/**
 * Starts the OpenTelemetry NodeSDK: OTLP (or whatever OTEL_TRACES_EXPORTER names) span export,
 * the http instrumentation, W3C trace context + baggage propagation, service name from
 * OTEL_SERVICE_NAME. Kafka spans come from @llmgov/messaging, not from an instrumentation (see
 * below). Metrics stay with prom-client (`/metrics`) and logs with pino, so the SDK's metric
 * readers and log processors are off. Returns false (and loads nothing) when tracing is not
 * requested. Must run before http clients are first required.
 */
export function startTracing(options: StartTracingOptions = {}): boolean {
  if (running) return true;
  if (!options.force && !tracingRequested()) return false;
  // Loaded here, not at the top: with tracing off none of the SDK is ever required.
  const { NodeSDK } =
    require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } =
    require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? options.serviceName,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would drown the traces that matter.
        ignoreIncomingRequestHook: (req) => isOperationalPath(req.url),
      }),
      // No @opentelemetry/instrumentation-kafkajs: @llmgov/messaging's Kafka adapter already
      // makes the messaging spans (one `send <topic>` per publish, one `process <topic>` per
      // delivery attempt, with group, offset and attempt) and carries traceparent/tracestate
      // in the record headers. The instrumentation would add a second `send` span per message
      // and overwrite those headers with its own span, so consumers' spans would hang off it
      // instead of the adapter's, plus its own receive/process spans around eachBatch. The
      // adapter's spans and headers are the source of truth.
    ],
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    metricReaders: [],
    logRecordProcessors: [],
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
  });
  sdk.start();
  running = sdk;
  setTracingEnabled(true);
  return true;
}

/** Flushes and stops the SDK started by `startTracing` (no-op when none runs). */
export async function shutdownTracing(): Promise<void> {
  const sdk = running;
  running = null;
  setTracingEnabled(false);
  if (sdk) await sdk.shutdown();
}

/** `/health/*` and `/metrics`: polled by orchestrators, not worth a trace. */
export function isOperationalPath(url: string | undefined): boolean {
  if (!url) return false;
  return url.startsWith('/health/') || url === '/metrics' || url.startsWith('/metrics?');
}

/** `apps/<name>/…/main.ts` → `llmgov-<name>`: a default service name when OTEL_SERVICE_NAME is unset. */
export function serviceNameFromEntry(entry: string | undefined): string | undefined {
  const match = entry?.replace(/\\/g, '/').match(/apps\/([^/]+)\//);
  return match ? `llmgov-${match[1]}` : undefined;
}
