// Run by register.int.spec.ts in a child process: loads the side-effect module first, as a
// service's main.ts does, then reports what it did to modules loaded after it.
import '../register';
import * as http from 'node:http';
import { context, propagation } from '@opentelemetry/api';
import { shutdownTracing } from '../tracing/sdk';
import { tracingEnabled, withSpan } from '../tracing/tracer';

const isWrapped = (fn: unknown): boolean =>
  typeof fn === 'function' && (fn as { __wrapped?: boolean }).__wrapped === true;

async function main(): Promise<void> {
  const kafkajs = require('kafkajs') as typeof import('kafkajs');
  const report = {
    tracing: tracingEnabled(),
    sdkLoaded: Object.keys(require.cache).some((path) => path.includes('@opentelemetry/sdk-node')),
    kafkaPatched:
      isWrapped(kafkajs.Kafka.prototype.producer) && isWrapped(kafkajs.Kafka.prototype.consumer),
    httpPatched: isWrapped(http.request),
    traceparent: await withSpan('probe-span', {}, async () => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return carrier.traceparent ?? null;
    }),
  };
  await shutdownTracing();
  process.stdout.write(JSON.stringify(report));
}

void main();
