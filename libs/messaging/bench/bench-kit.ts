// What the messaging benches share: a small topic, an event builder and a bus on a fresh prefix
// that leaves nothing behind when closed.
import { randomUUID } from 'node:crypto';
import { defineTopic, envelope, type EventOf } from '@llmgov/events';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { KafkaEventBus, silentLogger } from '../src';

const Ticked = envelope('bench.ticked', z.object({ key: z.string(), n: z.number().int() }));
export const benchTopic = defineTopic(
  'bench.ticks.v1',
  'Messaging bench',
  'key',
  ['bench.ticked'],
  z.discriminatedUnion('type', [Ticked]),
);
export type Tick = EventOf<typeof benchTopic>;

/** Event number `n`, keyed over `keys` keys. */
export const tick = (n: number, keys: number): Tick => {
  const key = `k${n % keys}`;
  return {
    id: `evt_${randomUUID()}`,
    type: 'bench.ticked',
    source: 'llmgov/bench',
    time: new Date().toISOString(),
    subject: key,
    data: { key, n },
  };
};

export const benchBrokers = (): string[] =>
  (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

/** A bus on a fresh topic prefix; `close` also deletes the run's topics (and dead-letter topics). */
export function openBenchBus(brokers: string[], name: string) {
  const prefix = `bench_${randomUUID().slice(0, 8)}.`;
  const bus = new KafkaEventBus({
    brokers,
    clientId: `${name}-bench-${prefix}`,
    topicPrefix: prefix,
    logger: silentLogger,
  });
  const close = async () => {
    await bus.close();
    const admin = new Kafka({
      clientId: `${name}-bench-admin`,
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
  };
  return { bus, close };
}
