/**
 * Side-effect module: the first import of every service's `main.ts`
 * (`import '@llmgov/telemetry/register';`). It starts OpenTelemetry when an OTEL_* variable
 * asks for it, before Nest, http clients or kafkajs are loaded, so the instrumentations can
 * patch them. With tracing off it requires nothing beyond this file and its helper.
 */
import { serviceNameFromEntry, startTracing } from './tracing/sdk';

startTracing({ serviceName: serviceNameFromEntry(process.argv[1]) });
