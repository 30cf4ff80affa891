import { defineTopic, envelope, type EventOf } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import { z } from 'zod';
import { DLQ_HEADERS } from './dead-letter';
import type { BusUnderTest } from './event-bus.behaviour';

const Counted = envelope('count.added', z.object({ key: z.string(), n: z.number().int() }));
let topics = 0;
const countsTopic = () =>
  defineTopic(
    `counts.${++topics}.${Math.random().toString(36).slice(2, 6)}.v1`,
    'Batch test topic',
    'key',
    ['count.added'],
    Counted,
  );
type CountEvent = EventOf<ReturnType<typeof countsTopic>>;

const added = (key: string, n: number): CountEvent => ({
  id: `evt_${key}_${n}_${Math.random().toString(36).slice(2)}`,
  type: 'count.added',
  source: 'llmgov/test',
  time: new Date(Date.UTC(2025, 0, 1, 0, 0, n % 60)).toISOString(),
  subject: key,
  data: { key, n },
});

/** `SubscribeOptions.batchHandler`, run against every adapter like the EventBus contract. */
export function batchDeliveryBehaviour(adapter: string, setup: () => Promise<BusUnderTest>): void {
  describe(`EventBus batch handler: ${adapter}`, () => {
    let t: BusUnderTest;
    const group = () => `batch-group-${Math.random().toString(36).slice(2, 8)}`;

    beforeEach(async () => {
      t = await setup();
    });
    afterEach(async () => {
      await t.close();
    });

    it('hands events already in the log over several at a time, in order per key, each once', async () => {
      const topic = countsTopic();
      const events = [...Array(60).keys()].map((n) => added(`k${n % 3}`, n));
      await t.bus.publishBatch(topic, events);
      const calls: number[] = [];
      const byKey = new Map<string, number[]>();
      const offsets = new Set<string>();
      await t.bus.subscribe({
        topic,
        group: group(),
        maxBatchSize: 25,
        handler: async () => {
          throw new Error('the single handler is only for a failed batch');
        },
        batchHandler: async (items) => {
          calls.push(items.length);
          for (const { event, ctx } of items) {
            byKey.set(event.subject, [...(byKey.get(event.subject) ?? []), event.data.n]);
            offsets.add(`${ctx.partition}/${ctx.offset}`);
          }
        },
      });
      await waitFor(() => expect([...byKey.values()].flat()).toHaveLength(60), {
        timeoutMs: 30_000,
      });
      for (const key of ['k0', 'k1', 'k2'])
        expect(byKey.get(key)).toEqual(
          events.filter((e) => e.subject === key).map((e) => e.data.n),
        );
      expect(offsets.size).toBe(60);
      expect(Math.max(...calls)).toBeGreaterThan(1);
      expect(Math.max(...calls)).toBeLessThanOrEqual(25);
    });

    it('when a batch fails, hands its events one by one to the handler: the poison one is dead-lettered, the rest delivered', async () => {
      const topic = countsTopic();
      const single: number[] = [];
      await t.bus.publishBatch(
        topic,
        [1, 2, 3, 4, 5].map((n) => added('k', n)),
      );
      await t.bus.subscribe({
        topic,
        group: group(),
        maxAttempts: 2,
        handler: async (e) => {
          if (e.data.n === 3) throw new Error('poison');
          single.push(e.data.n);
        },
        batchHandler: async (items) => {
          if (items.some((i) => i.event.data.n === 3)) throw new Error('poison in the batch');
          single.push(...items.map((i) => i.event.data.n));
        },
      });
      await waitFor(() => expect(single).toEqual([1, 2, 4, 5]), { timeoutMs: 30_000 });
      const [dead] = await t.readDeadLetters(topic.name, 1);
      expect(dead.headers).toMatchObject({
        [DLQ_HEADERS.reason]: 'handler_failed',
        [DLQ_HEADERS.error]: 'poison',
      });
    });

    it('dead-letters a malformed record of a batch and hands over the others', async () => {
      const topic = countsTopic();
      const got: number[] = [];
      await t.bus.publish(topic, added('k', 1));
      await t.appendRaw(topic.name, {
        key: 'k',
        value: '{"key":"k","n":"two"}',
        headers: {
          ce_specversion: '1.0',
          ce_id: 'evt_bad',
          ce_type: 'count.added',
          ce_source: 's',
          ce_time: new Date().toISOString(),
          ce_subject: 'k',
        },
      });
      await t.bus.publish(topic, added('k', 3));
      await t.bus.subscribe({
        topic,
        group: group(),
        handler: async (e) => void got.push(e.data.n),
        batchHandler: async (items) => void got.push(...items.map((i) => i.event.data.n)),
      });
      await waitFor(() => expect(got).toEqual([1, 3]), { timeoutMs: 30_000 });
      const [dead] = await t.readDeadLetters(topic.name, 1);
      expect(dead.headers[DLQ_HEADERS.reason]).toBe('schema_mismatch');
    });
  });
}
