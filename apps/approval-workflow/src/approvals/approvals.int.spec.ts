import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { allTopics, approvalsTopic, tenancyTopic, type EnvelopeBase } from '@llmgov/events';
import { createEventBus, silentLogger, type EventBus } from '@llmgov/messaging';
import {
  FixedClock,
  kafkaBrokers,
  testSchema,
  testTopicPrefix,
  waitFor,
  type TestSchema,
} from '@llmgov/testing';
import { ApprovalService } from './approval.service';
import { approvalRequested, bearer, startService, tenancy } from '../../test/fixtures';

/** Two replicas of the service on one schema, with real Kafka and real Postgres. */
describe('approval-workflow replicas (Kafka + Postgres)', () => {
  const clock = new FixedClock('2025-01-01T01:00:00.000Z');
  const prefix = testTopicPrefix();
  const t = tenancy();
  const buses: EventBus[] = [];
  const seen: EnvelopeBase[] = [];
  let schema: TestSchema;
  let producer: EventBus;
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;

  const newBus = () => {
    const bus = createEventBus({
      kind: 'kafka',
      brokers: kafkaBrokers(),
      clientId: `approval-int-${buses.length}`,
      topicPrefix: prefix,
      logger: silentLogger,
    });
    buses.push(bus);
    return bus;
  };
  const start = () =>
    startService({ bus: newBus(), databaseUrl: schema.url, schema: schema.name, clock });
  const get = (app: NestFastifyApplication, id: string) =>
    app.inject({ method: 'GET', url: `/approvals/${id}`, headers: bearer(t.keys.owner.secret) });
  const published = (type: string, ids: string[]) =>
    seen.filter((e) => e.type === type && ids.includes(e.subject));

  beforeAll(async () => {
    schema = await testSchema('approval_int');
    producer = newBus();
    await producer.ensureTopics(allTopics);
    await producer.publishBatch(tenancyTopic, t.events);
    await producer.subscribe({
      topic: approvalsTopic,
      group: 'test.collector',
      handler: async (e) => void seen.push(e),
    });
    [a, b] = await Promise.all([start(), start()]);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    for (const bus of buses) await bus.close();
    await schema?.cleanup();
  });

  it('an approval.requested from Kafka is approved on one replica and consumed once across both', async () => {
    const event = approvalRequested(t);
    const id = event.data.approval_id;
    await producer.publish(approvalsTopic, event);
    await waitFor(async () => expect((await get(b, id)).statusCode).toBe(200), {
      timeoutMs: 30_000,
    });
    // The replicas' tenancy views fill from Kafka too.
    const approve = () =>
      a.inject({
        method: 'POST',
        url: `/approvals/${id}/approve`,
        headers: bearer(t.keys.reviewer.secret),
        payload: {},
      });
    await waitFor(async () => expect((await approve()).statusCode).toBe(200), {
      timeoutMs: 30_000,
    });

    const consume = (app: NestFastifyApplication) =>
      app.inject({
        method: 'POST',
        url: `/approvals/${id}/consume`,
        headers: bearer(t.gateway.secret),
        payload: { fingerprint: event.data.fingerprint, request_id: 'req_retry' },
      });
    await waitFor(async () => expect((await consume(b)).statusCode).not.toBe(401), {
      timeoutMs: 30_000,
    });
    expect((await get(a, id)).json().data.status).toBe('consumed');
    expect((await consume(a)).json()).toMatchObject({
      success: false,
      error: { code: 'approval_denied' },
    });
    await waitFor(
      () => {
        expect(published('approval.granted', [id])).toHaveLength(1);
        expect(published('approval.consumed', [id])).toHaveLength(1);
      },
      { timeoutMs: 30_000 },
    );
  });

  it('expiry fires exactly once across two replicas, and after a restart in between', async () => {
    const first = Array.from({ length: 6 }, () =>
      approvalRequested(t, { expires_at: '2025-01-01T02:00:00.000Z' }),
    );
    await producer.publishBatch(approvalsTopic, first);
    await waitFor(
      async () => {
        for (const e of first) expect((await get(a, e.data.approval_id)).statusCode).toBe(200);
      },
      { timeoutMs: 30_000 },
    );

    clock.set('2025-01-01T02:00:00.000Z');
    const [byA, byB] = await Promise.all([
      a.get(ApprovalService).sweep(1),
      b.get(ApprovalService).sweep(1),
    ]);
    expect(byA + byB).toBe(6);

    // Replica B stops; approvals arrive and fall due while it is down; a new B starts.
    await b.close();
    const second = Array.from({ length: 3 }, () =>
      approvalRequested(t, { expires_at: '2025-01-01T03:00:00.000Z' }),
    );
    await producer.publishBatch(approvalsTopic, second);
    await waitFor(
      async () => {
        for (const e of second) expect((await get(a, e.data.approval_id)).statusCode).toBe(200);
      },
      { timeoutMs: 30_000 },
    );
    clock.set('2025-01-01T03:00:00.000Z');
    b = await start();
    const [againA, againB] = await Promise.all([
      b.get(ApprovalService).sweep(),
      a.get(ApprovalService).sweep(),
    ]);
    expect(againA + againB).toBe(3);
    expect(await a.get(ApprovalService).sweep()).toBe(0);

    const ids = [...first, ...second].map((e) => e.data.approval_id);
    await waitFor(() => expect(published('approval.expired', ids)).toHaveLength(ids.length), {
      timeoutMs: 30_000,
    });
    expect(new Set(published('approval.expired', ids).map((e) => e.subject)).size).toBe(ids.length);
    for (const id of ids) expect((await get(b, id)).json().data.status).toBe('expired');
  });
});
