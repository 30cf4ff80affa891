import {
  budgetTopic,
  deadLetterTopicName,
  defineTopic,
  envelope,
  exampleEvents,
  type EventOf,
} from '@llmgov/events';
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

describe('InProcessEventBus — log-start offset (trim)', () => {
  const topic = budgetTopic;
  const alert = (n: number): EventOf<typeof budgetTopic> => ({
    ...structuredClone(exampleEvents['budget.threshold_reached']),
    id: `evt_${n}`,
  });
  const offsetsOf = async (bus: InProcessEventBus, group: string, count: number) => {
    const seen: string[] = [];
    await bus.subscribe({
      topic,
      group,
      handler: async (_e, ctx) => void seen.push(ctx.offset),
    });
    await waitFor(() => expect(seen).toHaveLength(count));
    return seen;
  };

  it('keeps absolute offsets: records past the base keep theirs, new ones continue the numbering', async () => {
    const bus = new InProcessEventBus({ logger: silentLogger });
    await bus.publishBatch(topic, [0, 1, 2, 3, 4].map(alert));
    bus.trim(topic.name, 3);
    expect(bus.baseOffset(topic.name)).toBe(3);
    expect(bus.readTopic(topic.name).map((r) => r.headers.ce_id)).toEqual(['evt_3', 'evt_4']);
    await bus.publish(topic, alert(5));
    expect(bus.endOffset(topic.name)).toBe(6);
    // A new group from the beginning starts at the base.
    expect(await offsetsOf(bus, 'fresh', 3)).toEqual(['3', '4', '5']);
    await bus.close();
  });

  it('moves a group behind the base up to it, and starts a group committed below it at the base', async () => {
    const committed = new Map<string, number>([['stale', 1]]);
    const bus = new InProcessEventBus({
      logger: silentLogger,
      durability: {
        appended: () => undefined,
        committed: (_t, group) => committed.get(group),
        commit: (_t, group, offset) => void committed.set(group, offset),
      },
    });
    await bus.publishBatch(topic, [0, 1, 2, 3].map(alert));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const idle: string[] = [];
    let entered = false;
    // A subscribed group that has handled nothing yet (its first delivery is held).
    await bus.subscribe({
      topic,
      group: 'idle',
      handler: async (_e, ctx) => {
        entered = true;
        await gate;
        idle.push(ctx.offset);
      },
    });
    await waitFor(() => expect(entered).toBe(true));
    bus.trim(topic.name, 2);
    expect(committed.get('idle')).toBe(2);
    expect(await offsetsOf(bus, 'stale', 2)).toEqual(['2', '3']);
    release();
    // The record in delivery when the trim came is handled, then the group goes on from the base.
    await waitFor(() => expect(idle).toEqual(['0', '2', '3']));
    await bus.close();
  });

  it('past the end, leaves the topic empty and numbers the next record at the new base', async () => {
    const bus = new InProcessEventBus({ logger: silentLogger });
    bus.trim(topic.name, 100);
    await bus.publish(topic, alert(100));
    expect(await offsetsOf(bus, 'g', 1)).toEqual(['100']);
    await bus.close();
  });
});

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

describe('InProcessEventBus — closing a subscription', () => {
  const alert = (n: number): EventOf<typeof budgetTopic> => ({
    ...structuredClone(exampleEvents['budget.threshold_reached']),
    id: `evt_close_${n}`,
  });

  it('waits for the batch being handled, which commits, so the caller may then release what the handler uses', async () => {
    const bus = new InProcessEventBus({ retry: fastRetry, logger: silentLogger });
    try {
      await bus.publishBatch(budgetTopic, [0, 1, 2].map(alert));
      let started!: () => void;
      const inHandler = new Promise<void>((r) => (started = r));
      let finish!: () => void;
      const handled: string[] = [];
      const sub = await bus.subscribe({
        topic: budgetTopic,
        group: 'sink',
        handler: async () => undefined,
        batchHandler: async (items) => {
          started();
          await new Promise<void>((r) => (finish = r));
          handled.push(...items.map((i) => i.event.id));
        },
      });
      await inHandler;
      let closed = false;
      const closing = sub.close().then(() => (closed = true));
      await new Promise((r) => setTimeout(r, 20));
      expect(closed).toBe(false); // the batch is still being handled
      finish();
      await closing;
      expect(handled).toHaveLength(3);
      // Its offset committed: the next member of the group starts after it.
      const next: string[] = [];
      await bus.publish(budgetTopic, alert(3));
      await bus.subscribe({
        topic: budgetTopic,
        group: 'sink',
        handler: async (e) => void next.push(e.id),
      });
      await waitFor(() => expect(next).toEqual(['evt_close_3']));
    } finally {
      await bus.close();
    }
  });
});
