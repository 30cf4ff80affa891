import { deadLetterTopicName, defineTopic, envelope } from '@llmgov/events';
import { z } from 'zod';
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

describe('InProcessEventBus decoding', () => {
  const Counted = envelope('counted.happened', z.object({ n: z.number().int() }));
  const countedTopic = (validations: { count: number }) =>
    defineTopic(
      'counted.v1',
      'Test topic',
      'n',
      ['counted.happened'],
      z.discriminatedUnion('type', [Counted]).refine(() => ++validations.count > 0, 'never fails'),
    );
  const event = (n: number) => ({
    id: `evt_${n}`,
    type: 'counted.happened' as const,
    source: 'llmgov/test',
    time: '2025-01-01T00:00:00.000Z',
    subject: String(n),
    data: { n },
  });

  it('validates a record once for all its groups, and hands each group an event of its own', async () => {
    const validations = { count: 0 };
    const topic = countedTopic(validations);
    const bus = new InProcessEventBus({ retry: fastRetry, logger: silentLogger });
    try {
      await bus.publish(topic, event(1));
      expect(validations.count).toBe(1); // at publish
      const seen: number[] = [];
      for (const group of ['a', 'b', 'c']) {
        await bus.subscribe({
          topic,
          group,
          handler: async (e) => {
            seen.push(e.data.n);
            e.data.n = 99;
          },
        });
        await waitFor(() => expect(seen).toHaveLength(['a', 'b', 'c'].indexOf(group) + 1));
      }
      expect(seen).toEqual([1, 1, 1]);
      expect(validations.count).toBe(2); // at publish, then by the first group only
    } finally {
      await bus.close();
    }
  });
});
