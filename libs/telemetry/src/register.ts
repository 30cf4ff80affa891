/**
 * Side-effect module: the first import of every service's `main.ts`
 * (`import '@llmgov/telemetry/register';`). It starts OpenTelemetry when an OTEL_* variable
 * asks for it, before Nest or http clients are loaded, so the http instrumentation can patch
 * them. kafkajs is deliberately not instrumented: @llmgov/messaging's Kafka adapter makes the
 * messaging spans and carries traceparent headers itself, and the kafkajs instrumentation would
 * duplicate both (see `startTracing`). With tracing off it requires nothing beyond this file
 * and its helpers. It also narrows `--enable-source-maps` to the project's own files first
 * (`ownSourceMapsOnly`), before the dependencies load.
 */
import { ownSourceMapsOnly } from './source-maps';
import { serviceNameFromEntry, startTracing } from './tracing/sdk';

ownSourceMapsOnly();
startTracing({ serviceName: serviceNameFromEntry(process.argv[1]) });
