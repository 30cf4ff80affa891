import { KafkaEventBus, silentLogger, type MessageContext } from '@llmgov/messaging';
import { databaseUrl, kafkaBrokers, testTopicPrefix, waitFor } from '@llmgov/testing';
import {
  appendCounter,
  BusFailingAfter,
  countersTopic,
  eventstoreFixture,
  type CounterEvent,
} from '../eventstore.fixture';
import { OutboxRelay } from './outbox-relay';

const STREAMS = ['c1', 'c2', 'c3', 'c4', 'c5'];
const VERSIONS = 20;

let fixture: Awaited<ReturnType<typeof eventstoreFixture>>;
let bus: KafkaEventBus;
const relays: OutboxRelay[] = [];

beforeEach(async () => {
  fixture = await eventstoreFixture('relay');
  bus = new KafkaEventBus({
    brokers: kafkaBrokers(),
    clientId: 'outbox-relay-int-spec',
    topicPrefix: testTopicPrefix(),
    logger: silentLogger,
  });
  await bus.ensureTopics([countersTopic]);
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await bus.close();
  await fixture.cleanup();
});

const newRelay = (
  eventBus = bus as ConstructorParameters<typeof OutboxRelay>[2],
  batchSize = 25,
) => {
  const relay = new OutboxRelay(fixture.dataSource, fixture.schema, eventBus, {
    batchSize,
    pollIntervalMs: 10,
    logger: silentLogger,
  });
  relays.push(relay);
  return relay;
};

/** Appends VERSIONS events to each stream, round-robin, each with its outbox message. */
async function appendAll(): Promise<void> {
  for (let v = 1; v <= VERSIONS; v++)
    for (const s of STREAMS) await appendCounter(fixture.store, s, v);
}

/** Everything the topic delivers, in arrival order. */
async function consumeAll(): Promise<Array<{ event: CounterEvent; ctx: MessageContext }>> {
  const seen: Array<{ event: CounterEvent; ctx: MessageContext }> = [];
  await bus.subscribe({
    topic: countersTopic,
    group: 'checker',
    handler: async (event, ctx) => void seen.push({ event, ctx }),
  });
  return seen;
}

/** What an idempotent consumer keeps: the first delivery of each ce_id, per stream, in order. */
function dedupedByStream(
  seen: Array<{ event: CounterEvent; ctx: MessageContext }>,
): Map<string, number[]> {
  const ids = new Set<string>();
  const byStream = new Map<string, number[]>();
  for (const { event, ctx } of seen) {
    if (ids.has(ctx.headers.ce_id)) continue;
    ids.add(ctx.headers.ce_id);
    byStream.set(event.subject, [...(byStream.get(event.subject) ?? []), event.data.version]);
  }
  return byStream;
}

const everyVersion = Array.from({ length: VERSIONS }, (_, i) => i + 1);

describe('OutboxRelay', () => {
  it('publishes every event once per idempotent consumer, in order per stream, after being killed mid-batch', async () => {
    await appendAll();
    const seen = await consumeAll();

    // The bus drops after 37 records: round 1 (25 rows) commits, round 2 publishes 12 and dies.
    const killed = newRelay(new BusFailingAfter(bus, 37));
    await expect(killed.flush()).rejects.toThrow('connection to the broker lost');
    await killed.stop();
    expect(await killed.backlog()).toBe(STREAMS.length * VERSIONS - 25);

    const restarted = newRelay();
    await restarted.flush();

    expect(await restarted.backlog()).toBe(0);
    await waitFor(
      () =>
        expect(new Set(seen.map((s) => s.ctx.headers.ce_id)).size).toBe(STREAMS.length * VERSIONS),
      { timeoutMs: 30_000 },
    );
    // The 12 records of the dead round went out twice: at least once, not exactly once, on the wire.
    expect(seen.length).toBeGreaterThan(STREAMS.length * VERSIONS);
    const byStream = dedupedByStream(seen);
    for (const s of STREAMS) expect(byStream.get(s)).toEqual(everyVersion);
    expect(await restarted.prune(new Date(Date.now() + 60_000))).toBe(STREAMS.length * VERSIONS);
  });

  it('never lets two relays publish the same row', async () => {
    const seen = await consumeAll();
    const a = newRelay(bus, 7);
    const b = newRelay(bus, 7);
    a.start();
    b.start();

    await appendAll();

    await waitFor(async () => expect(await a.backlog()).toBe(0), { timeoutMs: 30_000 });
    await waitFor(() => expect(seen).toHaveLength(STREAMS.length * VERSIONS), {
      timeoutMs: 30_000,
    });
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would arrive by now
    expect(seen).toHaveLength(STREAMS.length * VERSIONS);
    expect(new Set(seen.map((s) => s.ctx.headers.ce_id)).size).toBe(STREAMS.length * VERSIONS);
    const byStream = dedupedByStream(seen);
    for (const s of STREAMS) expect(byStream.get(s)).toEqual(everyVersion);
    expect(a.published + b.published).toBe(STREAMS.length * VERSIONS);
  });

  it('with notifications, publishes a row when its insert commits, not at the next poll', async () => {
    const seen = await consumeAll();
    // Polls and safety-net rounds a minute apart: only a notification can publish in time.
    const relay = new OutboxRelay(fixture.dataSource, fixture.schema, bus, {
      pollIntervalMs: 60_000,
      logger: silentLogger,
      notifications: { url: databaseUrl(), idleIntervalMs: 60_000 },
    });
    relays.push(relay);
    relay.start();
    await waitFor(() => expect(relay.listening).toBe(true));
    await appendCounter(fixture.store, 'n1', 1);
    await appendCounter(fixture.store, 'n1', 2);
    await waitFor(() => expect(dedupedByStream(seen).get('n1')).toEqual([1, 2]), {
      timeoutMs: 30_000,
    });
  });
});
