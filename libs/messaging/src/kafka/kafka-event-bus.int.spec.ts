import { deadLetterTopicName, defineTopic, envelope } from '@llmgov/events';
import { consumerLag } from '@llmgov/telemetry';
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

describe('KafkaEventBus consumer lag', () => {
  it('reports the lag left after each batch as messaging_consumer_lag_messages{topic,group}', async () => {
    const bus = new KafkaEventBus({
      brokers: kafkaBrokers(),
      clientId: 'event-bus-int-spec',
      topicPrefix: prefix,
      retry: fastRetry,
      logger: silentLogger,
    });
    try {
      const topic = defineTopic(
        `lagged.${Math.random().toString(36).slice(2, 8)}.v1`,
        'Lag test',
        'k',
        ['lag.ticked'],
        z.discriminatedUnion('type', [Ticked]),
      );
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
