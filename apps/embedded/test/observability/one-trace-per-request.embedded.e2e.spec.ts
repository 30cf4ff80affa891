import { shutdownTracing, startTracing } from '@llmgov/telemetry';
import { admin, OrgAdmin } from '../harness/admin';
import { useEmbedded } from '../harness/embedded';
import { startOtlpCollector, type OtlpCollector } from '../harness/otlp-collector';
import { expectOneTracePerRequest } from './one-trace-per-request.scenario';

const OTEL_ENV = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_MAX_QUEUE_SIZE',
];

/**
 * Issue 19 in the embedded mode: the same 50 concurrent requests through the in-process bus
 * (PGlite), OTLP/HTTP to a collector in this test. What the requests caused is read from the
 * audit log (`GET /audit/events?request_id=`), outside the traces.
 */
describe('one trace per request under concurrency — embedded mode (in-process bus, OTLP export)', () => {
  let collector: OtlpCollector;
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
  });
  const env = useEmbedded();

  afterAll(async () => {
    await shutdownTracing();
    await collector?.close();
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  it("POST /v1/chat/completions × 50 at once, each with its own traceparent → per request one trace with its own events' process spans, nothing of another request", async () => {
    const org = await OrgAdmin.create(env.base, env.bootstrapKey, {
      name: 'Traces Inc',
      plan: 'enterprise',
    });
    const gatewayKey = (await org.key({ kind: 'gateway', name: 'trace-agent' })).key;
    await org.untilEnforced([env.base], gatewayKey);
    const witness = async (requestIds: string[]) => {
      const requestOf = new Map<string, string>();
      for (const requestId of requestIds) {
        const url = `${env.base}/audit/events?request_id=${requestId}&limit=100`;
        for (const entry of await admin<{ event_id: string }[]>(url, org.org.ownerKey))
          requestOf.set(entry.event_id, requestId);
      }
      return requestOf;
    };
    await expectOneTracePerRequest(
      {
        gateway: env.base,
        gatewayKey,
        requestsTopic: 'gateway.requests.v1',
        spans: () => collector.spans(),
        witness,
      },
      50,
    );
  }, 180_000);
});
