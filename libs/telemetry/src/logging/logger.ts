import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED, REDACT_PATHS, scrubSecrets } from './redaction';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** `service` field of every line (`gateway`, `policy-registry`, …). */
  service: string;
  /** pino level (default `info`, or LOG_LEVEL). */
  level?: string;
  /** Where lines go (default stdout). */
  destination?: DestinationStream;
}

/** `trace_id`/`span_id` of the active span, so a log line can be found from its trace. */
function traceFields(): Record<string, string> {
  const spanContext = trace.getSpanContext(context.active());
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * The JSON logger of every service: one object per line, ISO time, `level` as a word, trace
 * and span ids from the active OpenTelemetry context, credentials redacted twice — by field
 * (`redact` paths) and by shape in the serialised line (`gk_`, `msh_`, `sk-`, bearer tokens).
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    mixin: traceFields,
    hooks: { streamWrite: scrubSecrets },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
