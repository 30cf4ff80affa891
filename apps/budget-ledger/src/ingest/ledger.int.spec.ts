import {
  budgetDocument,
  completedEvent,
  admittedEvent,
  principal,
  type BudgetPrincipal,
} from '@llmgov/budget';
import { budgetTopic, policyTopic, requestsTopic, type EventOf } from '@llmgov/events';
import { KafkaEventBus, silentLogger } from '@llmgov/messaging';
import {
  FixedClock,
  kafkaBrokers,
  testSchema,
  testTopicPrefix,
  waitFor,
  type TestSchema,
} from '@llmgov/testing';
import type { DataSource } from 'typeorm';
import { publishedEvent } from '../../test/ledger-fixtures';
import { LedgerReader } from '../budgets/ledger.reader';
import { createLedgerDataSource } from '../persistence/data-source';
import { LedgerConsumer } from './ledger.consumer';
import { LedgerWriter } from './ledger.writer';
import { EventStore, Inbox, OutboxRelay } from '@llmgov/eventstore';

/** The ledger against real Kafka and Postgres: exactly-once accounting across a restart, expiry, alerts. */
describe('budget ledger ingest (Kafka + Postgres)', () => {
  const prefix = testTopicPrefix();
  const clock = new FixedClock('2026-03-14T12:00:00.000Z');
  const bus = new KafkaEventBus({
    brokers: kafkaBrokers(),
    clientId: 'ledger-int',
    topicPrefix: prefix,
    logger: silentLogger,
  });
  let schema: TestSchema;
  let ds: DataSource;
  let reader: LedgerReader;
  let n = 0;
  const newLedger = () => {
    const writer = new LedgerWriter(
      ds,
      schema.name,
      new Inbox(ds, schema.name),
      new EventStore(ds, schema.name, { clock }),
      () => clock.now(),
      () => `evt_alert_${++n}`,
    );
    return {
      writer,
      consumer: new LedgerConsumer(bus, writer),
      relay: new OutboxRelay(ds, schema.name, bus),
    };
  };
  const alerts: EventOf<typeof budgetTopic>[] = [];

  beforeAll(async () => {
    schema = await testSchema('budget_ledger');
    ds = await createLedgerDataSource({ url: schema.url, schema: schema.name, poolSize: 4 });
    reader = new LedgerReader(ds, schema.name);
    await bus.ensureTopics([requestsTopic, policyTopic, budgetTopic]);
    await bus.subscribe({
      topic: budgetTopic,
      group: 'alerts-observer',
      handler: async (e) => void alerts.push(e),
    });
  }, 60_000);

  afterAll(async () => {
    await bus.close();
    await ds?.destroy();
    await schema?.cleanup();
  }, 30_000);

  const count = async (table: string) =>
    Number((await ds.query(`select count(*)::int as c from "${schema.name}".${table}`))[0].c);

  it('given the ledger is stopped mid-stream and restarted, with redelivered and replayed events, then totals equal the sum of the usages (no double count)', async () => {
    const p: BudgetPrincipal = principal({ org_id: 'org_restart', session_id: 'sess_1' });
    const at = clock.now();
    const costs = Array.from({ length: 120 }, (_, i) => 1_000 + i * 7);
    const events = costs.flatMap((cost, i) => [
      admittedEvent(`req_r${i}`, cost * 2, 'gw-1', at, p),
      completedEvent(`req_r${i}`, cost, 'gw-1', at, p, cost * 2),
    ]);
    await bus.publishBatch(requestsTopic, events.slice(0, 120));

    const first = newLedger();
    await first.consumer.start();
    await waitFor(
      async () => expect(await count('completed_requests')).toBeGreaterThanOrEqual(20),
      {
        timeoutMs: 30_000,
        intervalMs: 5,
      },
    );
    await first.consumer.stop(); // mid-stream: what it had not committed is redelivered to the next one

    await bus.publishBatch(requestsTopic, events.slice(120));
    // Redelivery (same event ids) and replay (same requests, new event ids).
    await bus.publishBatch(requestsTopic, events.slice(100, 140));
    await bus.publishBatch(
      requestsTopic,
      events.slice(0, 20).map((e) => ({ ...e, id: `${e.id}_replayed` })),
    );

    const second = newLedger();
    await second.consumer.start();
    const expected = costs.reduce((a, b) => a + b, 0);
    await waitFor(async () => expect(await count('completed_requests')).toBe(120), {
      timeoutMs: 30_000,
    });
    await waitFor(async () => expect(await count('inbox')).toBe(events.length + 20), {
      timeoutMs: 30_000,
    });
    await second.consumer.stop();

    expect(await reader.totalSpent('org_restart', 'org', 'day')).toBe(expected);
    expect(await reader.totalSpent('org_restart', 'agent', 'month')).toBe(expected);
    expect(await reader.totalSpent('org_restart', 'session', 'session')).toBe(expected);
    expect(await reader.totalSpent('org_restart', 'tag', 'day')).toBe(expected);
    expect(await reader.openReservations('org_restart', clock.now())).toEqual([]);
  }, 90_000);

  it('given a request admitted that never completes, then its reservation holds until expiry and is released after', async () => {
    const p = principal({ org_id: 'org_expiry' });
    const ledger = newLedger();
    await ledger.writer.handle(
      'test',
      admittedEvent('req_hung', 5_000, 'gw-dead', clock.now(), p, 30_000),
      null,
    );
    expect((await reader.snapshot(clock.now())).reservations.map((r) => r.request_id)).toContain(
      'req_hung',
    );
    clock.advance(30_000);
    expect(
      (await reader.snapshot(clock.now())).reservations.map((r) => r.request_id),
    ).not.toContain('req_hung');
    await ledger.writer.prune(clock.now());
    expect(await count(`reservations where request_id = 'req_hung'`)).toBe(0);
  });

  it('given spend crossing 50/80/100 % of a budget, then each alert is emitted once per period through the outbox, and exceeded once', async () => {
    const org = 'org_alerts';
    const doc = { ...budgetDocument({ daily_budget_usd: 1, team_budgets: {} }), org_id: org };
    const p = principal({ org_id: org });
    const ledger = newLedger();
    await ledger.writer.handle('test', publishedEvent(doc, 3), null);
    const at = clock.now();
    for (const [i, cost] of [
      400_000, 150_000, 100_000, 200_000, 100_000, 100_000, 300_000,
    ].entries()) {
      await ledger.writer.handle('test', completedEvent(`req_a${i}`, cost, 'gw-1', at, p), null);
    }
    await ledger.relay.flush();
    await waitFor(() => expect(alerts.filter((a) => a.data.org_id === org)).toHaveLength(4), {
      timeoutMs: 20_000,
    });
    const mine = alerts.filter((a) => a.data.org_id === org);
    expect(
      mine.map((a) => (a.type === 'budget.threshold_reached' ? a.data.threshold_pct : 'exceeded')),
    ).toEqual([50, 80, 100, 'exceeded']);
    expect(mine[0].data).toMatchObject({
      scope: 'org',
      scope_id: org,
      period: 'day',
      limit_micro_usd: 1_000_000,
      spent_micro_usd: 550_000,
    });
    expect(mine[3]).toMatchObject({
      type: 'budget.exceeded',
      data: { request_id: 'req_a5', spent_micro_usd: 1_050_000 },
    });

    // The next UTC day is a new period: alerts fire again there.
    const tomorrow = new Date('2026-03-15T00:00:00.000Z');
    await ledger.writer.handle(
      'test',
      completedEvent('req_next_day', 600_000, 'gw-1', tomorrow, p),
      null,
    );
    await ledger.relay.flush();
    await waitFor(
      () =>
        expect(
          alerts.filter(
            (a) => a.data.org_id === org && a.data.period_start === tomorrow.toISOString(),
          ),
        ).toHaveLength(1),
      { timeoutMs: 20_000 },
    );
  }, 60_000);

  it('given a batch redelivered, overlapping another and repeating events within itself, then each event counts once (batch writer)', async () => {
    const p = principal({ org_id: 'org_batch_redelivery' });
    const at = clock.now();
    const costs = Array.from({ length: 40 }, (_, i) => 500 + i);
    const events = costs.flatMap((cost, i) => [
      admittedEvent(`req_b${i}`, cost * 2, 'gw-1', at, p),
      completedEvent(`req_b${i}`, cost, 'gw-1', at, p, cost * 2),
    ]);
    const item = (e: (typeof events)[number], offset: number) => ({
      event: e,
      position: { topic: requestsTopic.name, partition: 0, offset: String(offset) },
    });
    const { writer } = newLedger();

    expect(await writer.handleBatch('batch', events.slice(0, 50).map(item))).toBe(50);
    expect(await writer.handleBatch('batch', events.slice(0, 50).map(item))).toBe(0); // the same batch again
    const overlapping = [...events.slice(40, 80), ...events.slice(60, 70)].map((e, i) =>
      item(e, 40 + i),
    );
    expect(await writer.handleBatch('batch', overlapping)).toBe(30);

    expect(await reader.totalSpent('org_batch_redelivery', 'org', 'day')).toBe(
      costs.reduce((a, b) => a + b, 0),
    );
    expect(await reader.totalSpent('org_batch_redelivery', 'key', 'day')).toBe(
      costs.reduce((a, b) => a + b, 0),
    );
    expect(await count(`completed_requests where org_id = 'org_batch_redelivery'`)).toBe(40);
    expect(await reader.openReservations('org_batch_redelivery', clock.now())).toEqual([]);
  });

  it('given spend crossing 50/80/100 % within one batch, then the alerts are those of one event at a time (same spend, same request)', async () => {
    const org = 'org_batch_alerts';
    const doc = { ...budgetDocument({ daily_budget_usd: 1, team_budgets: {} }), org_id: org };
    const p = principal({ org_id: org });
    const ledger = newLedger();
    await ledger.writer.handle('test', publishedEvent(doc, 3), null);
    const at = clock.now();
    const completions = [400_000, 150_000, 100_000, 200_000, 100_000, 100_000, 300_000].map(
      (cost, i) => completedEvent(`req_ba${i}`, cost, 'gw-1', at, p),
    );
    await ledger.writer.handleBatch(
      'test',
      completions.slice(0, 3).map((event) => ({ event, position: null })),
    );
    await ledger.writer.handleBatch(
      'test',
      completions.slice(3).map((event) => ({ event, position: null })),
    );
    await ledger.relay.flush();
    await waitFor(() => expect(alerts.filter((a) => a.data.org_id === org)).toHaveLength(4), {
      timeoutMs: 20_000,
    });
    const mine = alerts.filter((a) => a.data.org_id === org);
    expect(
      mine.map((a) => (a.type === 'budget.threshold_reached' ? a.data.threshold_pct : 'exceeded')),
    ).toEqual([50, 80, 100, 'exceeded']);
    expect(mine.map((a) => a.data.spent_micro_usd)).toEqual([
      550_000, 850_000, 1_050_000, 1_050_000,
    ]);
    expect(mine[3]).toMatchObject({ type: 'budget.exceeded', data: { request_id: 'req_ba5' } });
  }, 60_000);
});
