import { deadLetterTopicName, defineTopic, envelope } from '@llmgov/events';
import { consumerLag, counter } from '@llmgov/telemetry';
import { kafkaBrokers, testTopicPrefix, waitFor } from '@llmgov/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { z } from 'zod';
import type { BinaryRecord } from '../cloudevents';
import { batchDeliveryBehaviour } from '../batch-delivery.behaviour';
import { eventBusBehaviour, fastRetry, type BusUnderTest } from '../event-bus.behaviour';
import { silentLogger } from '../logger';
import { headersToStrings } from './kafka-records';
import { KafkaEventBus } from './kafka-event-bus';

const prefix = testTopicPrefix();
const kafka = new Kafka({
  clientId: 'event-bus-int-spec',
  brokers: kafkaBrokers(),
  logLevel: logLevel.NOTHING,
});
let raw: Producer;
const Ticked = envelope('lag.ticked', z.object({ n: z.number().int() }));

beforeAll(async () => {
  raw = kafka.producer({ allowAutoTopicCreation: false });
  await raw.connect();
});
afterAll(async () => {
  await raw.disconnect();
});

/** Reads a dead-letter topic from the beginning with a throwaway group until `count` records arrived. */
async function readDeadLetters(topicName: string, count: number): Promise<BinaryRecord[]> {
  const consumer = kafka.consumer({
    groupId: `${prefix}dlq-reader-${Math.random().toString(36).slice(2)}`,
  });
  const records: BinaryRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({
      topics: [`${prefix}${deadLetterTopicName(topicName)}`],
      fromBeginning: true,
    });
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        records.push({
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: headersToStrings(message.headers),
        });
        if (records.length >= count) done();
      },
    });
    const timeout = new Promise(
      (_, reject) =>
        (timer = setTimeout(
          () => reject(new Error(`only ${records.length} of ${count} dead letters`)),
          30_000,
        )),
    );
    await Promise.race([enough, timeout]);
    return records;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

const kafkaBus = async (): Promise<BusUnderTest> => {
  const bus = new KafkaEventBus({
    brokers: kafkaBrokers(),
    clientId: 'event-bus-int-spec',
    topicPrefix: prefix,
    retry: fastRetry,
    logger: silentLogger,
  });
  return {
    bus,
    // Raw bytes straight to the topic with a plain producer: nothing of the adapter involved.
    appendRaw: async (topicName, record) =>
      void (await raw.send({ topic: `${prefix}${topicName}`, messages: [record] })),
    readDeadLetters,
    physicalTopic: (name) => bus.topicName(name),
    close: () => bus.close(),
  };
};

eventBusBehaviour('Kafka', kafkaBus);
batchDeliveryBehaviour('Kafka', kafkaBus);

const newBus = () =>
  new KafkaEventBus({
    brokers: kafkaBrokers(),
    clientId: 'event-bus-int-spec',
    topicPrefix: prefix,
    retry: fastRetry,
    logger: silentLogger,
  });

/** A fresh topic of `lag.ticked` events. */
const tickedTopic = (name: string) =>
  defineTopic(
    `${name}.${Math.random().toString(36).slice(2, 8)}.v1`,
    `${name} test`,
    'k',
    ['lag.ticked'],
    z.discriminatedUnion('type', [Ticked]),
  );

describe('KafkaEventBus consumer lag', () => {
  it('reports the lag left after each batch as messaging_consumer_lag_messages{topic,group}', async () => {
    const bus = newBus();
    try {
      const topic = tickedTopic('lagged');
      let handled = 0;
      await bus.subscribe({ topic, group: 'lag-group', handler: async () => void handled++ });
      await bus.publishBatch(
        topic,
        [1, 2, 3, 4, 5, 6].map((n) => ({
          id: `evt_lag_${n}`,
          type: 'lag.ticked' as const,
          source: 'llmgov/test',
          time: new Date().toISOString(),
          subject: `k${n}`,
          data: { n },
        })),
      );
      await waitFor(() => expect(handled).toBe(6), { timeoutMs: 30_000 });

      const labels = { topic: bus.topicName(topic.name), group: bus.topicName('lag-group') };
      // Reported when a batch is done, just after its last handler returned.
      await waitFor(async () => {
        const series = (await consumerLag.gauge.get()).values.find(
          (v) => v.labels.topic === labels.topic && v.labels.group === labels.group,
        );
        expect(series?.value).toBe(0);
      });
    } finally {
      await bus.close();
    }
  });
});

describe('KafkaEventBus batch window', () => {
  const ticks = (tag: string, count: number) =>
    Array.from({ length: count }, (_, n) => ({
      id: `evt_window_${tag}_${n}`,
      type: 'lag.ticked' as const,
      source: 'llmgov/test',
      time: new Date().toISOString(),
      subject: 'one-partition',
      data: { n },
    }));

  /** Publishes 20 events one produce request at a time; answers the sizes of the batches handled. */
  async function batchesOf(batchWindowMs: number | undefined): Promise<number[]> {
    const bus = newBus();
    try {
      const topic = tickedTopic('windowed');
      const sizes: number[] = [];
      await bus.subscribe({
        topic,
        group: 'window-group',
        batchWindowMs,
        handler: async () => void sizes.push(1),
        batchHandler: async (items) => void sizes.push(items.length),
      });
      const tag = Math.random().toString(36).slice(2, 8);
      for (const event of ticks(tag, 20)) {
        await bus.publish(topic, event);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await waitFor(() => expect(sizes.reduce((a, b) => a + b, 0)).toBe(20), {
        timeoutMs: 30_000,
      });
      return sizes;
    } finally {
      await bus.close();
    }
  }

  it('takes the records that arrive within its window together (Kafka: the fetch waits for them)', async () => {
    // The 20 publishes span well under the 3 s window, so at most one fetch boundary (the
    // fetch in flight when the first arrived) can fall between them: one or two batches.
    const sizes = await batchesOf(3_000);
    expect(sizes.length).toBeLessThanOrEqual(2);
  }, 60_000);

  it('without a window, takes each record as soon as it arrives', async () => {
    // Each publish is its own produce request, 5 ms or more apart; a fetch answers at once.
    const sizes = await batchesOf(undefined);
    expect(sizes.length).toBeGreaterThan(2);
  }, 60_000);
});

describe('KafkaEventBus offset commits', () => {
  it('commits the handled offsets about once a second, not once per batch, the last of a flow included', async () => {
    const bus = newBus();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topic = tickedTopic('committed');
      let handled = 0;
      await bus.subscribe({ topic, group: 'commit-group', handler: async () => void handled++ });
      // One produce request each, 5 ms apart: many small batches (see "without a window").
      const started = Date.now();
      for (let n = 0; n < 20; n++) {
        await bus.publish(topic, {
          id: `evt_commit_${started}_${n}`,
          type: 'lag.ticked',
          source: 'llmgov/test',
          time: new Date().toISOString(),
          subject: 'one-partition',
          data: { n },
        });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await waitFor(() => expect(handled).toBe(20), { timeoutMs: 30_000 });
      const groupId = bus.topicName('commit-group');
      // The timer sends the last ones within a second of their handling, with no batch after.
      await waitFor(
        async () => {
          const [{ partitions }] = await admin.fetchOffsets({
            groupId,
            topics: [bus.topicName(topic.name)],
          });
          const committed = partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
          expect(committed).toBe(20);
        },
        { timeoutMs: 10_000 },
      );
      const commits = counter({
        name: 'messaging_offset_commits_total',
        help: '',
        labelNames: ['topic', 'group'] as const,
      });
      const sent = (await commits.get()).values.find(
        (v) => v.labels.group === groupId && v.labels.topic === bus.topicName(topic.name),
      )?.value;
      const elapsedS = (Date.now() - started) / 1000;
      expect(sent).toBeGreaterThanOrEqual(1);
      expect(sent).toBeLessThanOrEqual(Math.ceil(elapsedS) + 1);
    } finally {
      await admin.disconnect();
      await bus.close();
    }
  }, 60_000);
});
