import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type SpanContext,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { exemplarHistogram } from '../metrics/open-metrics';
import { boundChildren } from '../metrics/registry';
import { isOperationalPath } from '../tracing/sdk';
import { tracingEnabled } from '../tracing/tracer';

const httpDuration = exemplarHistogram({
  name: 'http_server_request_duration_seconds',
  help: 'HTTP requests served, by method, route template and status code.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});
const httpChild = boundChildren(httpDuration.labels.bind(httpDuration));

const SPAN = Symbol('llmgov.span');
type Traced = FastifyRequest & { [SPAN]?: SpanContext };

/**
 * One JSON log line per request (method, route, path without query, status, duration, request
 * id, trace and span ids) and the `http_server_request_duration_seconds` histogram, whose buckets
 * keep the trace id of a sampled request as their exemplar (OpenMetrics scrapes of /metrics).
 * Probes and scrapes log at debug, and so do successful data-plane calls (`/v1/*` below 400): at thousands
 * per second one info line each cost ~3% of the gateway's CPU and the request events already
 * record every one of them. Refusals and client errors (4xx) stay at info, server errors
 * at error. Only the path is logged, never the query or a body. Pass it as `bootstrapService(..., { configure: httpTelemetry(logger) })`.
 */
export function httpTelemetry(logger: Logger): (app: NestFastifyApplication) => void {
  return (app) =>
    installHttpTelemetry(app.getHttpAdapter().getInstance() as unknown as FastifyInstance, logger);
}

/** The same on a bare Fastify instance. */
export function installHttpTelemetry(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    // The server span is active here (http instrumentation); keep it for the response line.
    // Without one (http not instrumented) the caller's traceparent names the trace this
    // request's spans join, when tracing is on.
    let spanContext = trace.getSpanContext(context.active());
    if (!spanContext && tracingEnabled()) {
      spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, request.headers));
    }
    if (spanContext && isSpanContextValid(spanContext)) (request as Traced)[SPAN] = spanContext;
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    const status = reply.statusCode;
    const spanContext = (request as Traced)[SPAN];
    if (spanContext && spanContext.traceFlags & TraceFlags.SAMPLED) {
      // A sampled request leaves its trace id as the bucket's exemplar (OpenMetrics scrapes).
      const labels = { method: request.method, route, status: String(status) };
      // prom-client types exemplar labels as the metric's own label names; they are free-form.
      const exemplarLabels = {
        trace_id: spanContext.traceId,
        span_id: spanContext.spanId,
      } as unknown as typeof labels;
      httpDuration.observe({ labels, value: seconds, exemplarLabels });
    } else {
      httpChild(request.method, route, String(status)).observe(seconds);
    }
    const url = request.url;
    const level = isOperationalPath(url)
      ? 'debug'
      : status >= 500
        ? 'error'
        : status < 400 && url.startsWith('/v1/')
          ? 'debug'
          : 'info';
    if (logger.isLevelEnabled(level)) {
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const requestId = reply.getHeader('x-request-id');
      logger[level](
        {
          method: request.method,
          route,
          path,
          status,
          duration_ms: Math.round(reply.elapsedTime * 1000) / 1000,
          ...(requestId ? { request_id: String(requestId) } : {}),
          ...(spanContext ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {}),
        },
        'request',
      );
    }
    done();
  });
}
