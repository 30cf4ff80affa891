import { randomUUID } from 'node:crypto';
import { policyViolatedTopic, type EventOf, type TopicDescriptor } from '@llmgov/events';
import { InProcessEventBus, silentLogger, type EventBus } from '@llmgov/messaging';
import { useInMemoryTracing } from '@llmgov/telemetry';
import { waitFor } from '@llmgov/testing';
import { context, trace } from '@opentelemetry/api';
import { EventPublisher } from './event-publisher';

/** A bus that fails its first `failures` batches, then records what it is given. */
function flakyBus(failures: number) {
  const sent: string[] = [];
  let calls = 0;
  const bus = {
    publishBatch: async (_t: TopicDescriptor, events: { id: string }[]) => {
      calls++;
      if (calls <= failures) throw new Error('broker down');
      sent.push(...events.map((e) => e.id));
    },
  } as unknown as EventBus;
  return { bus, sent, calls: () => calls };
}

const violated = (): EventOf<typeof policyViolatedTopic> => ({
  id: randomUUID(),
  type: 'policy.violated',
  source: 'test',
  time: '2026-01-01T00:00:00.000Z',
  subject: 'req_1',
  data: {
    request_id: 'req_1',
    org_id: 'org_1',
    team_id: null,
    key_id: 'key_1',
    agent_id: null,
    session_id: null,
    environment: null,
    model: null,
    provider: null,
    step: 'authenticate',
    code: 'invalid_api_key',
    http_status: 401,
    message: 'x',
    policy_id: null,
    policy_doc_id: null,
    policy_version: null,
    occurred_at: '2026-01-01T00:00:00.000Z',
  },
});

describe('EventPublisher', () => {
  it('returns at once and publishes in one batch', async () => {
    const { bus, sent, calls } = flakyBus(0);
    const p = new EventPublisher(bus, { lingerMs: 1 });
    const events = [violated(), violated(), violated()];
    for (const e of events) p.enqueue(policyViolatedTopic, e);
    expect(sent).toEqual([]);
    await p.flush();
    expect(sent).toEqual(events.map((e) => e.id));
    expect(calls()).toBe(1);
  });

  it('keeps a failed batch and retries it until the bus takes it, reporting each failure', async () => {
    const { bus, sent } = flakyBus(2);
    const errors: string[] = [];
    const p = new EventPublisher(bus, { lingerMs: 1, onError: (topic) => errors.push(topic) });
    const e = violated();
    p.enqueue(policyViolatedTopic, e);
    await p.flush();
    expect(sent).toEqual([e.id]);
    expect(errors).toEqual(['policy.violated', 'policy.violated']);
  });

  it('withdraws an event that has not left yet', async () => {
    const { bus, sent } = flakyBus(0);
    const p = new EventPublisher(bus, { lingerMs: 50 });
    const [a, b] = [violated(), violated()];
    p.enqueue(policyViolatedTopic, a);
    p.enqueue(policyViolatedTopic, b);
    expect(p.withdraw(policyViolatedTopic, a.id)).toBe(true);
    await p.flush();
    expect(sent).toEqual([b.id]);
    expect(p.withdraw(policyViolatedTopic, b.id)).toBe(false);
  });

  it('an event queued while a batch is on its way waits for its own linger (and can still be withdrawn), not sent right after', async () => {
    const batches: string[][] = [];
    let ack!: () => void;
    const bus = {
      publishBatch: (_t: TopicDescriptor, events: { id: string }[]) => {
        batches.push(events.map((e) => e.id));
        return new Promise<void>((resolve) => (ack = resolve));
      },
    } as unknown as EventBus;
    const p = new EventPublisher(bus, { lingerMs: 30 });
    const [a, admitted, completed] = [violated(), violated(), violated()];
    p.enqueue(policyViolatedTopic, a);
    await waitFor(() => expect(batches).toHaveLength(1), { timeoutMs: 1_000, intervalMs: 2 });
    // During the round trip: a request is admitted…
    p.enqueue(policyViolatedTopic, admitted);
    ack();
    await new Promise((r) => setTimeout(r, 5));
    // …the first batch is answered, and nothing left with it.
    expect(batches).toEqual([[a.id]]);
    // It completes within the linger: its completion replaces its admission.
    expect(p.withdraw(policyViolatedTopic, admitted.id)).toBe(true);
    p.enqueue(policyViolatedTopic, completed);
    await waitFor(() => expect(batches).toHaveLength(2), { timeoutMs: 1_000, intervalMs: 2 });
    ack();
    expect(batches[1]).toEqual([completed.id]);
  });

  describe('with tracing on', () => {
    useInMemoryTracing();

    it("sends each event with the trace context it was enqueued in, not the batch's (withdrawn ones too)", async () => {
      const bus = new InProcessEventBus({ logger: silentLogger });
      const traceparents = new Map<string, string>();
      const handler = async (e: { id: string }, ctx: { headers: Record<string, string> }) =>
        void traceparents.set(e.id, ctx.headers.traceparent);
      await bus.subscribe({ topic: policyViolatedTopic, group: 'test', handler });
      const p = new EventPublisher(bus, { lingerMs: 20, validate: 'schema' });
      const requests = [0, 1, 2, 3].map(() => {
        const span = trace.getTracer('test').startSpan('request');
        const event = violated();
        context.with(trace.setSpan(context.active(), span), () =>
          p.enqueue(policyViolatedTopic, event),
        );
        span.end();
        return { traceId: span.spanContext().traceId, event };
      });
      expect(p.withdraw(policyViolatedTopic, requests[1].event.id)).toBe(true);
      await p.flush();
      const kept = requests.filter((_, i) => i !== 1);
      await waitFor(() => expect(traceparents.size).toBe(kept.length));
      for (const r of kept) expect(traceparents.get(r.event.id)).toContain(`-${r.traceId}-`);
      await bus.close();
    });
  });
});
