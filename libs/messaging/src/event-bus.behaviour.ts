import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { budgetTopic, defineTopic, envelope, type EventOf } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import { z } from 'zod';
import type { BinaryRecord } from './cloudevents';
import { DLQ_HEADERS } from './dead-letter';
import { EventValidationError } from './errors';
import type { EventBus, MessageContext } from './event-bus';
import type { RetryPolicy } from './retry-policy';

/** What the behaviour suite needs from an adapter besides the port. */
export interface BusUnderTest {
  bus: EventBus;
  /** Puts a record on a topic exactly as given, bypassing the adapter's encoder. */
  appendRaw(topicName: string, record: BinaryRecord): Promise<void>;
  /** Waits until `<topic>.dlq` holds at least `count` records and returns them. */
  readDeadLetters(topicName: string, count: number): Promise<BinaryRecord[]>;
  /** The name the adapter gives a logical topic on the wire (Kafka adds the prefix). */
  physicalTopic(name: string): string;
  close(): Promise<void>;
}

/** Short waits between attempts, so retry tests take milliseconds. */
export const fastRetry: Partial<RetryPolicy> = { initialDelayMs: 10, maxDelayMs: 50 };

const ThingHappened = envelope(
  'thing.happened',
  z.object({ thing_id: z.string(), n: z.number().int() }),
);
const ThingRenamed = envelope(
  'thing.renamed',
  z.object({ thing_id: z.string(), name: z.string() }),
);

let topics = 0;
/** A fresh topic per test, so no test sees another's events. */
const thingsTopic = () =>
  defineTopic(
    `things.${++topics}.v1`,
    'Test topic',
    'thing_id',
    ['thing.happened', 'thing.renamed'],
    z.discriminatedUnion('type', [ThingHappened, ThingRenamed]),
  );
type ThingEvent = EventOf<ReturnType<typeof thingsTopic>>;
type ThingHappened = Extract<ThingEvent, { type: 'thing.happened' }>;

const happened = (key: string, n: number): ThingHappened => ({
  id: `evt_${key}_${n}_${Math.random().toString(36).slice(2)}`,
  type: 'thing.happened',
  source: 'llmgov/test',
  time: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
  subject: key,
  data: { thing_id: key, n },
});

const nOf = (e: ThingEvent) => (e.type === 'thing.happened' ? e.data.n : -1);

/**
 * The EventBus contract, run against every adapter (STYLE.md: one behaviour suite run
 * against every adapter). `setup` is called once per test.
 */
export function eventBusBehaviour(adapter: string, setup: () => Promise<BusUnderTest>): void {
  describe(`EventBus contract: ${adapter}`, () => {
    let t: BusUnderTest;
    let group = 0;
    const newGroup = () => `group-${++group}-${Math.random().toString(36).slice(2, 8)}`;

    beforeEach(async () => {
      t = await setup();
    });
    afterEach(async () => {
      await t.close();
    });

    it('delivers a published event with its CloudEvents attributes intact', async () => {
      const topic = thingsTopic();
      const received: Array<{ event: ThingEvent; ctx: MessageContext }> = [];
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        handler: async (event, ctx) => void received.push({ event, ctx }),
      });
      const sent = happened('thing-1', 1);

      await t.bus.publish(topic, sent);

      const [{ event, ctx }] = await waitFor(() => (expect(received).toHaveLength(1), received), {
        timeoutMs: 30_000,
      });
      expect(event).toEqual(sent);
      expect(event).not.toBe(sent);
      expect(ctx).toMatchObject({ topic: topic.name, attempt: 1 });
      expect(ctx.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: sent.id,
        ce_type: 'thing.happened',
        ce_source: 'llmgov/test',
        ce_time: sent.time,
        ce_subject: 'thing-1',
        'content-type': 'application/json',
      });
    });

    it('keeps the order of events with the same key', async () => {
      const topic = thingsTopic();
      const byKey = new Map<string, number[]>();
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        handler: async (e) => void byKey.set(e.subject, [...(byKey.get(e.subject) ?? []), nOf(e)]),
      });
      const keys = ['a', 'b', 'c'];

      for (let n = 0; n < 5; n++)
        for (const key of keys) await t.bus.publish(topic, happened(key, n));
      await t.bus.publishBatch(
        topic,
        [5, 6, 7, 8, 9].flatMap((n) => keys.map((key) => happened(key, n))),
      );

      await waitFor(
        () => keys.forEach((k) => expect(byKey.get(k)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])),
        { timeoutMs: 30_000 },
      );
    });

    it('gives every event to each of two groups', async () => {
      const topic = thingsTopic();
      const first: number[] = [];
      const second: number[] = [];
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        handler: async (e) => void first.push(nOf(e)),
      });
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        handler: async (e) => void second.push(nOf(e)),
      });

      await t.bus.publishBatch(
        topic,
        [1, 2, 3].map((n) => happened('k', n)),
      );

      await waitFor(
        () => {
          expect(first).toEqual([1, 2, 3]);
          expect(second).toEqual([1, 2, 3]);
        },
        { timeoutMs: 30_000 },
      );
    });

    it("skips, without handing them over, the records the subscription's header filter names", async () => {
      const topic = thingsTopic();
      const got: number[] = [];
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        skip: (header) => header('ce_source') === 'llmgov/mine',
        handler: async (e) => void got.push(nOf(e)),
      });

      await t.bus.publishBatch(
        topic,
        [1, 2, 3, 4].map((n) => ({
          ...happened('k', n),
          ...(n % 2 === 0 ? { source: 'llmgov/mine' } : {}),
        })),
      );
      await t.bus.publish(topic, happened('k', 5));

      await waitFor(() => expect(got).toEqual([1, 3, 5]), { timeoutMs: 30_000 });
    });

    it('commits the records it skips: the next member of the group starts after them', async () => {
      const topic = thingsTopic();
      const group = newGroup();
      const mine = (n: number) => ({ ...happened('k', n), source: 'llmgov/mine' });
      const asked: string[] = [];
      const got: number[] = [];
      const first = await t.bus.subscribe({
        topic,
        group,
        skip: (header) => {
          const source = header('ce_source');
          asked.push(source ?? 'none');
          return source === 'llmgov/mine';
        },
        handler: async (e) => void got.push(nOf(e)),
      });
      // A handled record, then a run of skipped ones that ends the batch.
      await t.bus.publishBatch(topic, [happened('k', 1), mine(2), mine(3), mine(4)]);
      await waitFor(
        () => expect(asked.filter((s) => s === 'llmgov/mine').length).toBeGreaterThanOrEqual(3),
        { timeoutMs: 30_000 },
      );
      expect(got).toEqual([1]);
      await first.close();

      await t.bus.publish(topic, happened('k', 5));
      await t.bus.subscribe({ topic, group, handler: async (e) => void got.push(nOf(e)) });

      await waitFor(() => expect(got).toEqual([1, 5]), { timeoutMs: 30_000 });
    });

    it('hands a retry a fresh event, not the one the failed attempt mutated', async () => {
      const topic = thingsTopic();
      const seen: number[] = [];
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        handler: async (e, ctx) => {
          seen.push(nOf(e));
          if (e.type === 'thing.happened') e.data.n = 99;
          if (ctx.attempt < 2) throw new Error('transient');
        },
      });

      await t.bus.publish(topic, happened('k', 7));

      await waitFor(() => expect(seen).toEqual([7, 7]), { timeoutMs: 30_000 });
    });

    it('rejects at publish an event that does not match the topic schema', async () => {
      const topic = thingsTopic();
      const alert: EventOf<typeof budgetTopic> = {
        id: 'evt_alert',
        type: 'budget.exceeded',
        source: 'llmgov/test',
        time: '2025-01-01T00:00:00.000Z',
        subject: 'org_1',
        data: {
          org_id: 'org_1',
          scope: 'org',
          scope_id: 'org_1',
          period: 'month',
          period_start: '2025-01-01T00:00:00.000Z',
          limit_micro_usd: 1,
          spent_micro_usd: 2,
          request_id: null,
        },
      };

      // @ts-expect-error a budget alert does not belong on the things topic
      await expect(t.bus.publish(topic, alert)).rejects.toThrow(EventValidationError);
      const wrongData: ThingHappened = { ...happened('k', 1), data: { thing_id: 'k', n: 1.5 } };
      await expect(t.bus.publish(topic, wrongData)).rejects.toThrow(EventValidationError);
    });

    it("with validate 'envelope' publishes without the schema parse but still rejects a broken envelope", async () => {
      const topic = thingsTopic();
      const received: ThingEvent[] = [];
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        handler: async (e) => void received.push(e),
      });
      await t.bus.publishBatch(topic, [happened('k', 1), happened('k', 2)], {
        validate: 'envelope',
      });
      await waitFor(
        () => expect(received.map((e) => ('n' in e.data ? e.data.n : null))).toEqual([1, 2]),
        { timeoutMs: 30_000 },
      );

      const noId = { ...happened('k', 3), id: '' };
      await expect(t.bus.publishBatch(topic, [noId], { validate: 'envelope' })).rejects.toThrow(
        EventValidationError,
      );
      const noData = { ...happened('k', 4), data: null } as unknown as ThingHappened;
      await expect(t.bus.publishBatch(topic, [noData], { validate: 'envelope' })).rejects.toThrow(
        EventValidationError,
      );
      // The default stays the full schema parse.
      const wrongData: ThingHappened = { ...happened('k', 5), data: { thing_id: 'k', n: 1.5 } };
      await expect(t.bus.publishBatch(topic, [wrongData])).rejects.toThrow(EventValidationError);
    });

    it('dead-letters malformed messages and keeps consuming', async () => {
      const topic = thingsTopic();
      const received: ThingEvent[] = [];
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        handler: async (e) => void received.push(e),
      });
      const good = happened('k', 1);
      const ce = {
        ce_specversion: '1.0',
        ce_id: 'evt_bad',
        ce_type: 'thing.happened',
        ce_source: 's',
        ce_time: good.time,
        ce_subject: 'k',
      };

      await t.appendRaw(topic.name, { key: 'k', value: '{not json', headers: ce });
      await t.appendRaw(topic.name, {
        key: 'k',
        value: '{"thing_id":"k","n":1}',
        headers: { 'content-type': 'application/json' },
      });
      await t.appendRaw(topic.name, { key: 'k', value: '{"thing_id":"k","n":"one"}', headers: ce });
      await t.bus.publish(topic, good);

      await waitFor(() => expect(received).toEqual([good]), { timeoutMs: 30_000 });
      const dead = await t.readDeadLetters(topic.name, 3);
      expect(dead.map((d) => d.headers[DLQ_HEADERS.reason])).toEqual([
        'invalid_json',
        'invalid_cloudevent',
        'schema_mismatch',
      ]);
      expect(dead.map((d) => d.value)).toEqual([
        '{not json',
        '{"thing_id":"k","n":1}',
        '{"thing_id":"k","n":"one"}',
      ]);
      for (const d of dead) {
        expect(d.headers[DLQ_HEADERS.sourceTopic]).toBe(t.physicalTopic(topic.name));
        expect(d.headers[DLQ_HEADERS.sourcePartition]).toMatch(/^\d+$/);
        expect(d.headers[DLQ_HEADERS.sourceOffset]).toMatch(/^\d+$/);
      }
    });

    it('retries a failing handler and hands it the attempt number', async () => {
      const topic = thingsTopic();
      const attempts: number[] = [];
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        handler: async (_e, ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt < 3) throw new Error('transient');
        },
      });

      await t.bus.publish(topic, happened('k', 1));

      await waitFor(() => expect(attempts).toEqual([1, 2, 3]), { timeoutMs: 30_000 });
    });

    it('dead-letters an event whose handler keeps failing, then goes on', async () => {
      const topic = thingsTopic();
      const handled: number[] = [];
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        maxAttempts: 2,
        handler: async (e) => {
          if (nOf(e) === 1) throw new Error('poison');
          handled.push(nOf(e));
        },
      });

      await t.bus.publishBatch(topic, [happened('k', 1), happened('k', 2)]);

      await waitFor(() => expect(handled).toEqual([2]), { timeoutMs: 30_000 });
      const [dead] = await t.readDeadLetters(topic.name, 1);
      expect(dead.headers).toMatchObject({
        [DLQ_HEADERS.reason]: 'handler_failed',
        [DLQ_HEADERS.error]: 'poison',
        [DLQ_HEADERS.attempts]: '2',
      });
    });

    it('dead-letters a poison event in the middle of a batch and delivers the rest in order', async () => {
      const topic = thingsTopic();
      const byKey = new Map<string, number[]>();
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        maxAttempts: 2,
        handler: async (e) => {
          if (e.subject === 'b' && nOf(e) === 4) throw new Error('poison');
          byKey.set(e.subject, [...(byKey.get(e.subject) ?? []), nOf(e)]);
        },
      });
      const keys = ['a', 'b', 'c'];
      const ce = (n: number) => ({
        ce_specversion: '1.0',
        ce_id: `evt_bad_${n}`,
        ce_type: 'thing.happened',
        ce_source: 's',
        ce_time: happened('a', n).time,
        ce_subject: 'a',
      });

      // One batch per partition: a handler that fails on b/4, and a record that does not parse
      // between a/5 and a/6 (same key, so the same partition).
      await t.bus.publishBatch(
        topic,
        [0, 1, 2, 3, 4, 5].flatMap((n) => keys.map((key) => happened(key, n))),
      );
      await t.appendRaw(topic.name, { key: 'a', value: '{not json', headers: ce(99) });
      await t.bus.publishBatch(
        topic,
        [6, 7, 8, 9].flatMap((n) => keys.map((key) => happened(key, n))),
      );

      await waitFor(
        () => {
          expect(byKey.get('a')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
          expect(byKey.get('b')).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
          expect(byKey.get('c')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        },
        { timeoutMs: 30_000 },
      );
      const dead = await t.readDeadLetters(topic.name, 2);
      expect(dead.map((d) => d.headers[DLQ_HEADERS.reason]).sort()).toEqual([
        'handler_failed',
        'invalid_json',
      ]);
    });

    it('holds back the events after one it keeps retrying, and hands the rest of the batch to the next member on close', async () => {
      const topic = thingsTopic();
      const group = newGroup();
      const first: number[] = [];
      let failing = 0;
      const member = await t.bus.subscribe({
        topic,
        group,
        maxAttempts: Infinity,
        handler: async (e) => {
          if (nOf(e) === 5) {
            failing++;
            throw new Error('database down');
          }
          first.push(nOf(e));
        },
      });
      await t.bus.publishBatch(
        topic,
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => happened('k', n)),
      );
      await waitFor(() => expect(failing).toBeGreaterThanOrEqual(2), { timeoutMs: 30_000 });
      expect(first).toEqual([0, 1, 2, 3, 4]);

      await member.close();
      const second: number[] = [];
      await t.bus.subscribe({ topic, group, handler: async (e) => void second.push(nOf(e)) });

      // The handled head of the batch was committed on close; the tail comes next, in order.
      await waitFor(() => expect(second).toEqual([5, 6, 7, 8, 9]), { timeoutMs: 30_000 });
    });

    it('never dead-letters with maxAttempts: Infinity', async () => {
      const topic = thingsTopic();
      const attempts: number[] = [];
      const handled: number[] = [];
      await t.bus.subscribe({
        topic,
        group: newGroup(),
        maxAttempts: Infinity,
        handler: async (e, ctx) => {
          if (nOf(e) === 1) attempts.push(ctx.attempt);
          if (nOf(e) === 1 && ctx.attempt < 8) throw new Error('database down');
          handled.push(nOf(e));
        },
      });

      await t.bus.publishBatch(topic, [happened('k', 1), happened('k', 2)]);

      await waitFor(() => expect(handled).toEqual([1, 2]), { timeoutMs: 30_000 });
      expect(attempts).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('hands an event a closed subscriber was retrying to the next member of its group', async () => {
      const topic = thingsTopic();
      const group = newGroup();
      let failing = 0;
      const first = await t.bus.subscribe({
        topic,
        group,
        maxAttempts: Infinity,
        handler: async () => {
          failing++;
          throw new Error('still down');
        },
      });
      await t.bus.publish(topic, happened('k', 1));
      await waitFor(() => expect(failing).toBeGreaterThanOrEqual(2), { timeoutMs: 30_000 });

      await first.close();
      const handled: number[] = [];
      await t.bus.subscribe({ topic, group, handler: async (e) => void handled.push(nOf(e)) });

      await waitFor(() => expect(handled).toEqual([1]), { timeoutMs: 30_000 });
    });

    it('resumes a group after the last handled event', async () => {
      const topic = thingsTopic();
      const group = newGroup();
      const seen: number[] = [];
      const handler = async (e: ThingEvent) => void seen.push(nOf(e));
      const first = await t.bus.subscribe({ topic, group, handler });
      await t.bus.publish(topic, happened('k', 1));
      await waitFor(() => expect(seen).toEqual([1]), { timeoutMs: 30_000 });
      await first.close();

      await t.bus.publish(topic, happened('k', 2));
      await t.bus.subscribe({ topic, group, handler });

      await waitFor(() => expect(seen).toEqual([1, 2]), { timeoutMs: 30_000 });
    });

    describe('with an OpenTelemetry SDK', () => {
      const exporter = new InMemorySpanExporter();
      const provider = new TracerProvider({
        spanProcessors: [new SimpleSpanProcessor({ exporter })],
      });
      beforeAll(() => {
        context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
        propagation.setGlobalPropagator(new W3CTraceContextPropagator());
        trace.setGlobalTracerProvider(provider);
      });
      afterAll(async () => {
        await provider.shutdown();
        trace.disable();
        propagation.disable();
        context.disable();
      });

      it('carries the trace from publisher to consumer', async () => {
        const topic = thingsTopic();
        const seen: Array<{ traceId?: string; traceparent?: string }> = [];
        await t.bus.subscribe({
          topic,
          group: newGroup(),
          handler: async (_e, ctx) =>
            void seen.push({
              traceId: trace.getActiveSpan()?.spanContext().traceId,
              traceparent: ctx.headers.traceparent,
            }),
        });

        const request = await trace
          .getTracer('test')
          .startActiveSpan('POST /v1/chat/completions', async (span) => {
            await t.bus.publish(topic, happened('k', 1));
            span.end();
            return span.spanContext();
          });

        const [consumed] = await waitFor(() => (expect(seen).toHaveLength(1), seen), {
          timeoutMs: 30_000,
        });
        expect(consumed.traceId).toBe(request.traceId);
        expect(consumed.traceparent).toMatch(new RegExp(`^00-${request.traceId}-[0-9a-f]{16}-01$`));
        const spans = await waitFor(() => {
          const finished = exporter
            .getFinishedSpans()
            .filter((s) => s.spanContext().traceId === request.traceId);
          expect(finished).toHaveLength(3);
          return finished;
        });
        const send = spans.find((s) => s.name.startsWith('send '));
        const process = spans.find((s) => s.name.startsWith('process '));
        expect(send?.parentSpanContext?.spanId).toBe(request.spanId);
        expect(process?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
        expect(process?.attributes['messaging.destination.name']).toBe(t.physicalTopic(topic.name));
      });

      it("in one batch, each event keeps its own request's trace: its consumer span joins that trace, the send span links all", async () => {
        const topic = thingsTopic();
        const seen = new Map<string, { traceId?: string; traceparent?: string }>();
        await t.bus.subscribe({
          topic,
          group: newGroup(),
          handler: async (e, ctx) =>
            void seen.set(e.id, {
              traceId: trace.getActiveSpan()?.spanContext().traceId,
              traceparent: ctx.headers.traceparent,
            }),
        });
        // Three requests, each with its own trace; their events leave in one batch (as the
        // gateway's publisher sends them), sent from a fourth context that is none of theirs.
        const requests = ['a', 'b', 'c'].map((key) => {
          const span = trace.getTracer('test').startSpan(`request ${key}`);
          span.end();
          return {
            key,
            span: span.spanContext(),
            ctx: trace.setSpan(context.active(), span),
            event: happened(key, 1),
          };
        });
        const batch = trace.getTracer('test').startSpan('publisher timer');
        await context.with(trace.setSpan(context.active(), batch), () =>
          t.bus.publishBatch(
            topic,
            requests.map((r) => r.event),
            { traceContexts: requests.map((r) => r.ctx) },
          ),
        );
        batch.end();

        await waitFor(() => expect(seen.size).toBe(3), { timeoutMs: 30_000 });
        const physical = t.physicalTopic(topic.name);
        const finished = await waitFor(() => {
          const spans = exporter
            .getFinishedSpans()
            .filter((s) => s.attributes['messaging.destination.name'] === physical);
          expect(spans.filter((s) => s.name === `process ${physical}`)).toHaveLength(3);
          return spans;
        });
        const send = finished.filter((s) => s.name === `send ${physical}`);
        expect(send).toHaveLength(1);
        expect(send[0].parentSpanContext).toBeUndefined();
        expect(send[0].spanContext().traceId).not.toBe(batch.spanContext().traceId);
        expect(send[0].attributes['messaging.batch.message_count']).toBe(3);
        for (const r of requests) {
          expect(seen.get(r.event.id)?.traceId).toBe(r.span.traceId);
          expect(seen.get(r.event.id)?.traceparent).toMatch(
            new RegExp(`^00-${r.span.traceId}-[0-9a-f]{16}-01$`),
          );
          const inTrace = finished.filter((s) => s.spanContext().traceId === r.span.traceId);
          const create = inTrace.find((s) => s.name === `create ${physical}`);
          const process = inTrace.find((s) => s.name === `process ${physical}`);
          expect(inTrace.map((s) => s.name).sort()).toEqual([
            `create ${physical}`,
            `process ${physical}`,
          ]);
          expect(create?.parentSpanContext?.spanId).toBe(r.span.spanId);
          expect(create?.attributes['messaging.message.id']).toBe(r.event.id);
          expect(process?.parentSpanContext?.spanId).toBe(create?.spanContext().spanId);
          expect(process?.attributes['messaging.message.id']).toBe(r.event.id);
          expect(send[0].links.map((l) => l.context.spanId)).toContain(
            create?.spanContext().spanId,
          );
        }
      });
    });
  });
}
