// Consumer throughput of the Kafka adapter: publishes N events with publishBatch onto a fresh
// prefixed topic, then times how long one subscriber takes to handle them all.
//   KAFKA_BROKERS=127.0.0.1:19092 npx node -r ./tools/register.cjs libs/messaging/bench/consume.bench.ts [events] [runs] [handler ms]
// The events are on the topic before the subscriber starts, so this measures consuming alone
// (fetch, decode, validate, handler, commit), not the producer.
import { benchBrokers, benchTopic, openBenchBus, tick } from './bench-kit';

const EVENTS = Number(process.argv[2] ?? 5000);
const RUNS = Number(process.argv[3] ?? 3);
/** A handler that awaits this long per event stands in for one that writes to a database. */
const HANDLER_MS = Number(process.argv[4] ?? 0);
const KEYS = 50;

async function run(brokers: string[]): Promise<{ total: number; steady: number }> {
  const { bus, close } = openBenchBus(brokers, 'consume');
  try {
    const events = Array.from({ length: EVENTS }, (_, i) => tick(i, KEYS));
    for (let i = 0; i < events.length; i += 500)
      await bus.publishBatch(benchTopic, events.slice(i, i + 500));

    // Order per key is part of what is measured: a violation fails the bench.
    const lastByKey = new Map<string, number>();
    let handled = 0;
    let firstAt = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    const startedAt = performance.now();
    await bus.subscribe({
      topic: benchTopic,
      group: 'bench',
      handler: async (e) => {
        const last = lastByKey.get(e.data.key) ?? -1;
        if (e.data.n <= last)
          throw new Error(`out of order on ${e.data.key}: ${e.data.n} after ${last}`);
        lastByKey.set(e.data.key, e.data.n);
        if (handled === 0) firstAt = performance.now();
        if (HANDLER_MS > 0) await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
        if (++handled === EVENTS) done();
      },
    });
    await all;
    const end = performance.now();
    return {
      total: EVENTS / ((end - startedAt) / 1000),
      steady: (EVENTS - 1) / ((end - firstAt) / 1000),
    };
  } finally {
    await close();
  }
}

async function main(): Promise<void> {
  const brokers = benchBrokers();
  const totals: number[] = [];
  const steadies: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { total, steady } = await run(brokers);
    totals.push(total);
    steadies.push(steady);
    process.stdout.write(
      `run ${i + 1}: ${EVENTS} events (handler ${HANDLER_MS} ms), ${total.toFixed(0)} events/s from subscribe (incl. group join), ${steady.toFixed(0)} events/s from the first event\n`,
    );
  }
  const median = (xs: number[]) =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0);
  process.stdout.write(
    `median over ${RUNS} runs: ${median(totals)} events/s from subscribe, ${median(steadies)} events/s from the first event\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
