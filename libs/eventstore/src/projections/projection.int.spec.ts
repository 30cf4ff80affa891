import { KafkaEventBus, silentLogger } from '@llmgov/messaging';
import { kafkaBrokers, testTopicPrefix, waitFor } from '@llmgov/testing';
import {
  appendCounter,
  counterEvent,
  countersTopic,
  eventstoreFixture,
} from '../eventstore.fixture';
import { Inbox } from '../inbox';
import { OutboxRelay } from '../outbox/outbox-relay';
import { counterTotalsProjection } from './counter-totals.fixture';
import { projectedFromEnvelope } from './projection';
import { ProjectionRunner } from './projection-runner';

let fixture: Awaited<ReturnType<typeof eventstoreFixture>>;
let bus: KafkaEventBus;
let inbox: Inbox;
let totals: ReturnType<typeof counterTotalsProjection>;

beforeEach(async () => {
  fixture = await eventstoreFixture('projection');
  bus = new KafkaEventBus({
    brokers: kafkaBrokers(),
    clientId: 'projection-int-spec',
    topicPrefix: testTopicPrefix(),
    logger: silentLogger,
  });
  inbox = new Inbox(fixture.dataSource, fixture.schema);
  totals = counterTotalsProjection(fixture.schema);
  await totals.create(fixture.dataSource.manager);
});
afterEach(async () => {
  await bus.close();
  await fixture.cleanup();
});

/** The live path: consume the topic, apply each event behind the inbox. */
async function projectLive(handled: boolean[] = []): Promise<boolean[]> {
  await bus.subscribe({
    topic: countersTopic,
    group: 'counter-totals',
    handler: async (event) => {
      handled.push(
        await inbox.handleOnce('counter-totals', event.id, (m) =>
          totals.projection.apply(m, projectedFromEnvelope(event)),
        ),
      );
    },
  });
  return handled;
}

describe('projections', () => {
  it('apply a redelivered message once (Inbox)', async () => {
    const handled = await projectLive();
    const first = counterEvent('redelivered', 1).envelope;
    const record = { key: first.subject, value: JSON.stringify(first), headers: {} };

    // The same record twice, as after a relay restart, then the next event.
    await bus.publishRaw(countersTopic.name, [record]);
    await bus.publishRaw(countersTopic.name, [record]);
    await bus.publish(countersTopic, counterEvent('redelivered', 2).envelope);

    await waitFor(() => expect(handled).toEqual([true, false, true]), { timeoutMs: 30_000 });
    expect(await totals.rows(fixture.dataSource.manager)).toEqual([
      { counter_id: 'redelivered', increments: 2, last_version: 2 },
    ]);
  });

  it('rebuild from the store to what the live projection holds', async () => {
    await projectLive();
    const relay = new OutboxRelay(fixture.dataSource, fixture.schema, bus, {
      logger: silentLogger,
    });
    relay.start();
    for (let v = 1; v <= 10; v++)
      for (const s of ['a', 'b', 'c']) await appendCounter(fixture.store, s, v);
    for (let v = 11; v <= 14; v++) await appendCounter(fixture.store, 'b', v);
    const live = await waitFor(
      async () => {
        const rows = await totals.rows(fixture.dataSource.manager);
        expect(rows.reduce((n, r) => n + r.increments, 0)).toBe(34);
        return rows;
      },
      { timeoutMs: 30_000 },
    );
    await relay.stop();
    expect(live).toEqual([
      { counter_id: 'a', increments: 10, last_version: 10 },
      { counter_id: 'b', increments: 14, last_version: 14 },
      { counter_id: 'c', increments: 10, last_version: 10 },
    ]);

    // Damage the read model, so only a real replay can restore it.
    await fixture.dataSource.query(`UPDATE "${fixture.schema}".counter_totals SET increments = 0`);
    const runner = new ProjectionRunner(fixture.dataSource, fixture.store, { batchSize: 7 });

    // readAll waits for older transactions anywhere on the server (other test files'), so retry.
    await waitFor(async () => {
      expect(await runner.rebuild(totals.projection)).toBe(34);
      expect(await totals.rows(fixture.dataSource.manager)).toEqual(live);
    });
    const last = (await fixture.store.readAll({ limit: 10_000 })).at(-1);
    expect(await runner.checkpoint('counter_totals')).toBe(last?.global_position);
  });

  it('catch up from the checkpoint', async () => {
    const runner = new ProjectionRunner(fixture.dataSource, fixture.store);
    let applied = 0;
    const catchUpTo = (total: number) =>
      waitFor(async () => expect((applied += await runner.catchUp(totals.projection))).toBe(total));
    await appendCounter(fixture.store, 'x', 1);
    await catchUpTo(1);

    await appendCounter(fixture.store, 'x', 2);
    await appendCounter(fixture.store, 'y', 1);
    await catchUpTo(3);

    expect(await runner.catchUp(totals.projection)).toBe(0);
    expect(await totals.rows(fixture.dataSource.manager)).toEqual([
      { counter_id: 'x', increments: 2, last_version: 2 },
      { counter_id: 'y', increments: 1, last_version: 1 },
    ]);
  });
});
