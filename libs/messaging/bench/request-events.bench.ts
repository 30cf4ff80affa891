// What the gateway's request events cost it on Kafka, per request, apart from everything else a
// request does: each request publishes a `request.admitted` and a `request.completed` (the
// gateway's shapes: the completion carries the 13-step decision trace) in batches of B, as the
// gateway's 10 ms linger groups them under load, and the gateway's own view of the requests
// topic fetches them back and skips them on `ce_source` (the budget shares need the peers'
// events, and Kafka cannot leave a consumer's own out). Prints this process's CPU per request
// (producer and consumer, both in it, as in the gateway), and the broker's share is not in it.
//   KAFKA_BROKERS=127.0.0.1:19092 npx node -r ./tools/register.cjs libs/messaging/bench/request-events.bench.ts [requests] [batch] [runs] [window ms]
import { randomUUID } from 'node:crypto';
import { exampleEvents, requestsTopic, type EventOf } from '@llmgov/events';
import { benchBrokers, openBenchBus } from './bench-kit';

const REQUESTS = Number(process.argv[2] ?? 20_000);
const BATCH = Number(process.argv[3] ?? 20);
const RUNS = Number(process.argv[4] ?? 3);
/** The view's batch window (the gateway's `peerEventsWindowMs`: 200 ms with the default lag); 0 = none. */
const WINDOW_MS = Number(process.argv[5] ?? 200);
const OWN = '/gateway/gw-bench';
/** The chain's 13 steps (`STEP_IDS` of @llmgov/chain, which this library may not import). */
const STEPS = (
  'authenticate request_limits risk_classification rate_limit agent_review provider_gate ' +
  'model_access routing_pool budget pii_scan content_safety security_scan hitl_gate'
).split(' ');

type RequestEvent = EventOf<typeof requestsTopic>;

function requestEvents(source: string): RequestEvent[] {
  const requestId = `req_${randomUUID()}`;
  const admitted = exampleEvents['request.admitted'];
  const completed = exampleEvents['request.completed'];
  const decision = STEPS.map((step) => ({
    step,
    verdict: 'allow' as const,
    code: null,
    policy_id: null,
    duration_ms: 0.02,
  }));
  const time = new Date().toISOString();
  return [
    {
      ...admitted,
      id: randomUUID(),
      source,
      time,
      subject: requestId,
      data: { ...admitted.data, request_id: requestId },
    },
    {
      ...completed,
      id: randomUUID(),
      source,
      time,
      subject: requestId,
      data: { ...completed.data, request_id: requestId, decision },
    },
  ] as RequestEvent[];
}

async function run(brokers: string[]): Promise<{ cpuUsPerRequest: number; perSecond: number }> {
  const { bus, close } = openBenchBus(brokers, 'request-events');
  try {
    await bus.ensureTopics([requestsTopic]);
    // The run ends when the view has handed over the peer requests published after all the own
    // ones: 64 of them, keyed at random, so every partition has some behind its own events.
    let seen = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    const sentinels: RequestEvent[] = [];
    await bus.subscribe({
      topic: requestsTopic,
      group: 'gw-bench-view',
      skip: (header) => header('ce_source') === OWN,
      ...(WINDOW_MS > 0 ? { batchWindowMs: WINDOW_MS } : {}),
      handler: async () => {
        if (++seen === sentinels.length) done();
      },
    });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < REQUESTS; i += BATCH / 2) {
      const batch: RequestEvent[] = [];
      for (let r = 0; r < BATCH / 2; r++) batch.push(...requestEvents(OWN));
      await bus.publishBatch(requestsTopic, batch, { validate: 'envelope' });
    }
    for (let i = 0; i < 64; i++) sentinels.push(...requestEvents('/gateway/peer'));
    await bus.publishBatch(requestsTopic, sentinels, { validate: 'envelope' });
    await all;
    const seconds = (performance.now() - t0) / 1000;
    const { user, system } = process.cpuUsage(cpu0);
    return { cpuUsPerRequest: (user + system) / REQUESTS, perSecond: REQUESTS / seconds };
  } finally {
    await close();
  }
}

async function main(): Promise<void> {
  const brokers = benchBrokers();
  console.log(
    `request-events: ${REQUESTS} requests (2 events each), batches of ${BATCH} events, read back and skipped by an own view (fetch window ${WINDOW_MS} ms)`,
  );
  for (let i = 0; i < RUNS; i += 1) {
    const r = await run(brokers);
    console.log(
      `run ${i + 1}: ${r.cpuUsPerRequest.toFixed(0)} µs CPU per request (publish + read back), ${r.perSecond.toFixed(0)} requests/s`,
    );
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
