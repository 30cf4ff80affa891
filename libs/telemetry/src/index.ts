export * from './tracing/tracer';
export * from './tracing/gen-ai';
export * from './tracing/governance';
export {
  startTracing,
  shutdownTracing,
  tracingRequested,
  isOperationalPath,
  type StartTracingOptions,
} from './tracing/sdk';
export * from './testing/in-memory-tracing';
export * from './metrics/registry';
export * from './metrics/open-metrics';
export * from './metrics/observed-gauge';
export * from './metrics/gateway.metrics';
export * from './metrics/gen-ai.metrics';
export * from './metrics/platform.metrics';
export * from './metrics/metrics.module';
export * from './logging/redaction';
export * from './logging/logger';
export * from './logging/nest-logger';
export * from './logging/http-telemetry';
export * from './testing/use-in-memory-tracing';
