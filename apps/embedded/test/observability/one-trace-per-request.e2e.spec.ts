import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { shutdownTracing, startTracing } from '@llmgov/telemetry';
import { kafkaBrokers } from '@llmgov/testing';
import { OrgAdmin } from '../harness/admin';
import { startDistributed, type Distributed } from '../harness/distributed';
import { startOtlpCollector, type OtlpCollector } from '../harness/otlp-collector';
import { expectOneTracePerRequest } from './one-trace-per-request.scenario';

const OTEL_ENV = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_MAX_QUEUE_SIZE',
];

/**
 * Issue 19: under concurrency the gateway publishes the events of many requests in one batch
 * and the consumers take them in batches; every request must still get one whole trace. The
 * five services run as in the distributed deployment (each its own Nest app, Kafka client and
 * Postgres schema; real Kafka, real Postgres) with the OpenTelemetry SDK started as a service's
 * `main.ts` starts it (OTEL_EXPORTER_OTLP_ENDPOINT), exporting OTLP/HTTP to a collector in
 * this test. The embedded mode's twin is one-trace-per-request.embedded.e2e.spec.ts.
 */
describe('one trace per request under concurrency (real Kafka, real Postgres, OTLP export)', () => {
  let collector: OtlpCollector;
  let cluster: Distributed;
  let witness: Consumer;
  let gatewayKey: string;
  /** What the requests topic carried: event id → request id (read with a plain kafkajs consumer). */
  const requestOf = new Map<string, string>();
  const saved = Object.fromEntries(OTEL_ENV.map((k) => [k, process.env[k]]));

  beforeAll(async () => {
    collector = await startOtlpCollector();
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_BSP_MAX_QUEUE_SIZE: '100000',
    });
    expect(startTracing({ serviceName: 'llmgov-e2e' })).toBe(true);
    cluster = await startDistributed();

    const kafka = new Kafka({
      clientId: 'trace-witness',
      brokers: kafkaBrokers(),
      logLevel: logLevel.NOTHING,
    });
    witness = kafka.consumer({
      groupId: `${cluster.topicPrefix}trace-witness`,
      maxWaitTimeInMs: 200,
    });
    await witness.connect();
    await witness.subscribe({
      topic: `${cluster.topicPrefix}gateway.requests.v1`,
      fromBeginning: true,
    });
    await witness.run({
      eachMessage: async ({ message }) => {
        const data = JSON.parse(String(message.value)) as { request_id: string };
        requestOf.set(String(message.headers?.ce_id), data.request_id);
      },
    });

    const org = await OrgAdmin.create(cluster.registry.url, cluster.bootstrapKey, {
      name: 'Traces Inc',
      plan: 'enterprise',
    });
    gatewayKey = (await org.key({ kind: 'gateway', name: 'trace-agent' })).key;
    await org.untilEnforced([cluster.gateways[0]!.url], gatewayKey);
  }, 300_000);

  afterAll(async () => {
    await witness?.disconnect();
    await cluster?.close();
    await shutdownTracing();
    await collector?.close();
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  it("POST /v1/chat/completions × 50 at once, each with its own traceparent → per request one trace: its request, steps, GenAI call and the ledger's and audit's process spans for its own events, nothing of another request", async () => {
    await expectOneTracePerRequest(
      {
        gateway: cluster.gateways[0]!.url,
        gatewayKey,
        requestsTopic: `${cluster.topicPrefix}gateway.requests.v1`,
        spans: () => collector.spans(),
        witness: async () => requestOf,
      },
      50,
    );
  }, 300_000);
});
