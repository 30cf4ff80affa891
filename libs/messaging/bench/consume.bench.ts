// Consumer throughput of the Kafka adapter: publishes N events with publishBatch onto a fresh
// prefixed topic, then times how long one subscriber takes to handle them all.
//   KAFKA_BROKERS=127.0.0.1:19092 npx node -r ./tools/register.cjs libs/messaging/bench/consume.bench.ts [events] [runs] [handler ms]
// The events are on the topic before the subscriber starts, so this measures consuming alone
// (fetch, decode, validate, handler, commit), not the producer.
import { randomUUID } from 'node:crypto';
import { defineTopic, envelope, type EventOf } from '@llmgov/events';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { KafkaEventBus, silentLogger } from '../src';

const EVENTS = Number(process.argv[2] ?? 5000);
const RUNS = Number(process.argv[3] ?? 3);
/** A handler that awaits this long per event stands in for one that writes to a database. */
const HANDLER_MS = Number(process.argv[4] ?? 0);
const KEYS = 50;

const Ticked = envelope('bench.ticked', z.object({ key: z.string(), n: z.number().int() }));
const benchTopic = defineTopic(
  'bench.ticks.v1',
  'Consume bench',
  'key',
  ['bench.ticked'],
  z.discriminatedUnion('type', [Ticked]),
);
type Tick = EventOf<typeof benchTopic>;

const tick = (n: number): Tick => {
  const key = `k${n % KEYS}`;
  return {
    id: `evt_${randomUUID()}`,
    type: 'bench.ticked',
    source: 'llmgov/bench',
    time: new Date().toISOString(),
    subject: key,
    data: { key, n },
  };
};

async function run(brokers: string[]): Promise<{ total: number; steady: number }> {
  const prefix = `bench_${randomUUID().slice(0, 8)}.`;
  const bus = new KafkaEventBus({
    brokers,
    clientId: `consume-bench-${prefix}`,
    topicPrefix: prefix,
    logger: silentLogger,
  });
  try {
    const events = Array.from({ length: EVENTS }, (_, i) => tick(i));
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
    await bus.close();
    await dropTopics(brokers, prefix);
  }
}

/** Leaves nothing behind: deletes the run's topics (and their dead-letter topics). */
async function dropTopics(brokers: string[], prefix: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'consume-bench-admin',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
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
