import { deadLetterTopicName } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import { batchDeliveryBehaviour } from '../batch-delivery.behaviour';
import { eventBusBehaviour, fastRetry, type BusUnderTest } from '../event-bus.behaviour';
import { silentLogger } from '../logger';
import { InProcessEventBus } from './in-process-event-bus';

const inProcess = async (): Promise<BusUnderTest> => {
  const bus = new InProcessEventBus({ retry: fastRetry, logger: silentLogger });
  return {
    bus,
    appendRaw: async (topicName, record) => bus.appendRaw(topicName, record),
    readDeadLetters: (topicName, count) =>
      waitFor(() => {
        const records = bus.readTopic(deadLetterTopicName(topicName));
        expect(records.length).toBeGreaterThanOrEqual(count);
        return records;
      }),
    physicalTopic: (name) => name,
    close: () => bus.close(),
  };
};

eventBusBehaviour('in-process', inProcess);
batchDeliveryBehaviour('in-process', inProcess);
