import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { shutdownTracing, startTracing } from '@llmgov/telemetry';
import { kafkaBrokers, waitFor } from '@llmgov/testing';
import { OrgAdmin } from '../harness/admin';
import { startDistributed, type Distributed } from '../harness/distributed';
import { startOtlpCollector, type CollectedSpan, type OtlpCollector } from '../harness/otlp-collector';

const CONCURRENT = 50;
const STEPS = 13;
/** OTLP's span kinds. */
const KIND = { client: 3, consumer: 5 } as const;

const OTEL_ENV = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_BSP_SCHEDULE_DELAY', 'OTEL_BSP_MAX_QUEUE_SIZE'];

interface Sent {
  traceId: string;
  callerSpanId: string;
  requestId: string;
}

/**
 * Issue 19: under concurrency the gateway publishes the events of many requests in one batch
 * and the consumers take them in batches; every request must still get one whole trace. The
 * five services run as in the distributed deployment (each its own Nest app, Kafka client and
 * Postgres schema; real Kafka, real Postgres) with the OpenTelemetry SDK started as a service's
 * `main.ts` starts it (OTEL_EXPORTER_OTLP_ENDPOINT), exporting OTLP/HTTP to a collector in
 * this test. 50 chat requests at once, each with its own caller `traceparent`.
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

    const kafka = new Kafka({ clientId: 'trace-witness', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    witness = kafka.consumer({ groupId: `${cluster.topicPrefix}trace-witness`, maxWaitTimeInMs: 200 });
    await witness.connect();
    await witness.subscribe({ topic: `${cluster.topicPrefix}gateway.requests.v1`, fromBeginning: true });
    await witness.run({
      eachMessage: async ({ message }) => {
        const data = JSON.parse(String(message.value)) as { request_id: string };
        requestOf.set(String(message.headers?.ce_id), data.request_id);
      },
    });

    const org = await OrgAdmin.create(cluster.registry.url, cluster.bootstrapKey, { name: 'Traces Inc', plan: 'enterprise' });
    gatewayKey = (await org.key({ kind: 'gateway', name: 'trace-agent' })).key;
    await org.untilEnforced([cluster.gateways[0]!.url], gatewayKey);
  }, 180_000);

  afterAll(async () => {
    await witness?.disconnect();
    await cluster?.close();
    await shutdownTracing();
    await collector?.close();
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  });

  it(`POST /v1/chat/completions × ${CONCURRENT} at once, each with its own traceparent → per request one trace: its request, steps, GenAI call and the ledger's and audit's process spans for its own events, nothing of another request`, async () => {
    const gateway = cluster.gateways[0]!.url;
    const body = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'trace me' }] });
    const sent: Sent[] = await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        const traceId = randomBytes(16).toString('hex');
        const callerSpanId = randomBytes(8).toString('hex');
        const res = await fetch(`${gateway}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${gatewayKey}`, 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpanId}-01` },
          body,
        });
        expect(res.status).toBe(200);
        await res.text();
        return { traceId, callerSpanId, requestId: String(res.headers.get('x-request-id')) };
      }),
    );
    expect(new Set(sent.map((s) => s.requestId)).size).toBe(CONCURRENT);

    const requestsTopic = `${cluster.topicPrefix}gateway.requests.v1`;
    const isProcess = (s: CollectedSpan) => s.name === `process ${requestsTopic}` && s.kind === KIND.consumer;
    const group = (s: CollectedSpan) => String(s.attributes['messaging.consumer.group.name']);
    const eventsOf = (requestId: string) => [...requestOf].filter(([, r]) => r === requestId).map(([id]) => id);

    // Wait until, for every request, the ledger and the audit processed each of its events and
    // the spans reached the collector. Where they land is asserted below.
    const spans = await waitFor(() => {
      const all = collector.spans();
      const processed = new Set(all.filter(isProcess).map((s) => `${group(s).includes('audit') ? 'audit' : group(s).includes('budget-ledger') ? 'ledger' : 'other'}:${s.attributes['messaging.message.id']}`));
      for (const { requestId } of sent) {
        const events = eventsOf(requestId);
        expect(events.length).toBeGreaterThan(0);
        for (const id of events) expect([processed.has(`ledger:${id}`), processed.has(`audit:${id}`)]).toEqual([true, true]);
      }
      return all;
    }, { timeoutMs: 90_000, intervalMs: 250 });

    const byTrace = new Map<string, CollectedSpan[]>();
    for (const s of spans) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);

    for (const { traceId, callerSpanId, requestId } of sent) {
      const trace = byTrace.get(traceId) ?? [];
      const own = new Set(eventsOf(requestId));

      // The gateway's part: one request span under the caller's, 13 steps and the GenAI call under it.
      const requests = trace.filter((s) => s.name === 'gateway.request');
      expect(requests).toHaveLength(1);
      expect(requests[0].parentSpanId).toBe(callerSpanId);
      const steps = trace.filter((s) => s.name === 'governance.step');
      expect(steps).toHaveLength(STEPS);
      expect(steps.every((s) => s.parentSpanId === requests[0].spanId)).toBe(true);
      const chat = trace.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
      expect(chat).toHaveLength(1);
      expect(chat[0]).toMatchObject({ kind: KIND.client, parentSpanId: requests[0].spanId });

      // The consumers' part: the ledger's and audit's process spans for each of its events.
      const processes = trace.filter(isProcess);
      for (const id of own) {
        const forEvent = processes.filter((s) => s.attributes['messaging.message.id'] === id).map(group);
        expect(forEvent.some((g) => g.includes('budget-ledger'))).toBe(true);
        expect(forEvent.some((g) => g.includes('audit'))).toBe(true);
      }

      // Nothing of another request: every message span in this trace is about one of its own
      // events (the requests topic's, as the witness saw them), and no other trace holds one.
      const messages = trace.filter((s) => requestOf.has(String(s.attributes['messaging.message.id'])));
      expect(messages.filter((s) => !own.has(String(s.attributes['messaging.message.id'])))).toEqual([]);
      const elsewhere = spans.filter((s) => s.traceId !== traceId && own.has(String(s.attributes['messaging.message.id'])));
      expect(elsewhere.filter((s) => s.name !== `send ${requestsTopic}`)).toEqual([]);
    }

    // Batches did happen (else this test would not be about them): a batch's send span is a
    // trace of its own that links the creation context of each message it carried.
    const batchSends = spans.filter((s) => s.name === `send ${requestsTopic}` && s.links.length > 1);
    expect(batchSends.length).toBeGreaterThan(0);
    for (const send of batchSends) expect(send.parentSpanId).toBeUndefined();
  }, 180_000);
});
