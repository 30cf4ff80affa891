// Producer throughput of the Kafka adapter the way the gateway publishes: C concurrent callers,
// each awaiting one event at a time (acks=all), N events in all, onto a fresh prefixed topic.
//   KAFKA_BROKERS=127.0.0.1:19092 npx node -r ./tools/register.cjs libs/messaging/bench/publish.bench.ts [events] [concurrency] [runs]
import { benchBrokers, benchTopic, openBenchBus, tick } from './bench-kit';

const EVENTS = Number(process.argv[2] ?? 5000);
const CONCURRENCY = Number(process.argv[3] ?? 64);
const RUNS = Number(process.argv[4] ?? 3);

async function run(brokers: string[]): Promise<{ perSecond: number; p50: number; p99: number }> {
  const { bus, close } = openBenchBus(brokers, 'publish');
  try {
    await bus.ensureTopics([benchTopic]);
    let next = 0;
    const latencies: number[] = [];
    const worker = async () => {
      for (let n = next++; n < EVENTS; n = next++) {
        const t0 = performance.now();
        await bus.publish(benchTopic, tick(n, 50));
        latencies.push(performance.now() - t0);
      }
    };
    const startedAt = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - startedAt) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return { perSecond: EVENTS / seconds, p50: at(0.5), p99: at(0.99) };
  } finally {
    await close();
  }
}

async function main(): Promise<void> {
  const brokers = benchBrokers();
  console.log(`publish: ${EVENTS} events, ${CONCURRENCY} concurrent callers, acks=all`);
  for (let i = 0; i < RUNS; i += 1) {
    const r = await run(brokers);
    console.log(
      `run ${i + 1}: ${r.perSecond.toFixed(0)} events/s, latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`,
    );
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
