import { deadLetterTopicName } from '@llmgov/events';
import { kafkaBrokers, testTopicPrefix } from '@llmgov/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { BinaryRecord } from '../cloudevents';
import { eventBusBehaviour, fastRetry } from '../event-bus.behaviour';
import { silentLogger } from '../logger';
import { headersToStrings } from './kafka-records';
import { KafkaEventBus } from './kafka-event-bus';

const prefix = testTopicPrefix();
const kafka = new Kafka({ clientId: 'event-bus-int-spec', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
let raw: Producer;

beforeAll(async () => {
  raw = kafka.producer({ allowAutoTopicCreation: false });
  await raw.connect();
});
afterAll(async () => {
  await raw.disconnect();
});

/** Reads a dead-letter topic from the beginning with a throwaway group until `count` records arrived. */
async function readDeadLetters(topicName: string, count: number): Promise<BinaryRecord[]> {
  const consumer = kafka.consumer({ groupId: `${prefix}dlq-reader-${Math.random().toString(36).slice(2)}` });
  const records: BinaryRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [`${prefix}${deadLetterTopicName(topicName)}`], fromBeginning: true });
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        records.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers: headersToStrings(message.headers) });
        if (records.length >= count) done();
      },
    });
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${records.length} of ${count} dead letters`)), 30_000)));
    await Promise.race([enough, timeout]);
    return records;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

eventBusBehaviour('Kafka', async () => {
  const bus = new KafkaEventBus({ brokers: kafkaBrokers(), clientId: 'event-bus-int-spec', topicPrefix: prefix, retry: fastRetry, logger: silentLogger });
  return {
    bus,
    // Raw bytes straight to the topic with a plain producer: nothing of the adapter involved.
    appendRaw: async (topicName, record) => void (await raw.send({ topic: `${prefix}${topicName}`, messages: [record] })),
    readDeadLetters,
    physicalTopic: (name) => bus.topicName(name),
    close: () => bus.close(),
  };
});
