import { replicasTopic } from '@llmgov/events';
import { KafkaEventBus, silentLogger } from '@llmgov/messaging';
import { metricsRegistry } from '@llmgov/telemetry';
import { kafkaBrokers, testTopicPrefix, waitFor } from '@llmgov/testing';
import { GatewayViews } from './gateway-views';

/**
 * Replica membership from `replica.heartbeat` on a real Kafka topic: each gateway replica
 * sees every live peer, and a stopped one is gone after the timeout.
 */
describe('gateway replica membership over Kafka', () => {
  const prefix = testTopicPrefix();
  const logger = { warn: () => undefined };
  const bus = (id: string) =>
    new KafkaEventBus({
      brokers: kafkaBrokers(),
      clientId: `members-${id}`,
      topicPrefix: prefix,
      logger: silentLogger,
    });
  const blindSeconds = async (replica: string) =>
    (await metricsRegistry().getSingleMetric('gateway_replica_blind_seconds')?.get())?.values.find(
      (v) => v.labels.replica === replica,
    )?.value ?? Number.NaN;
  const ids = ['gw-a', 'gw-b', 'gw-c'];
  const buses = ids.map(bus);
  const views = ids.map(
    (id) => new GatewayViews(id, logger, { heartbeat_ms: 200, timeout_ms: 1_500 }),
  );

  beforeAll(async () => {
    await buses[0]!.ensureTopics([replicasTopic]);
    await Promise.all(views.map((v, i) => v.start(buses[i]!)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(views.map((v) => v.stop()));
    await Promise.all(buses.map((b) => b.close()));
  });

  it('every replica sees the three; a stopped one drops out after the timeout, the others stay', async () => {
    await waitFor(() => expect(views.map((v) => v.replicas.size(Date.now()))).toEqual([3, 3, 3]), {
      timeoutMs: 30_000,
    });
    expect(views[0]!.replicas.live(Date.now())).toEqual(ids);
    await views[2]!.stop();
    await waitFor(
      () => expect([0, 1].map((i) => views[i]!.replicas.size(Date.now()))).toEqual([2, 2]),
      { timeoutMs: 10_000 },
    );
    expect(views[1]!.replicas.live(Date.now())).toEqual(['gw-a', 'gw-b']);
    // Still two after a few more timeouts: live replicas keep beating.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(views[0]!.replicas.live(Date.now())).toEqual(['gw-a', 'gw-b']);
  }, 60_000);

  it('a replica whose heartbeats stop coming back is blind and keeps its peers; once one comes back it sees again', async () => {
    // Its heartbeats are lost on the way (a stalled broker path) while `stalled`; its peers' arrive.
    let stalled = false;
    const b = bus('blind');
    const blind = new GatewayViews('gw-blind', logger, {
      heartbeat_ms: 200,
      timeout_ms: 1_500,
      lag_ms: 1_000,
    });
    const gone = new GatewayViews('gw-gone', logger, { heartbeat_ms: 200, timeout_ms: 1_500 });
    const g = bus('gone');
    try {
      await Promise.all([
        blind.start(b, (beat) => {
          if (!stalled) void b.publish(replicasTopic, beat);
        }),
        gone.start(g),
      ]);
      await waitFor(() => expect(blind.replicas.isLive('gw-gone', Date.now())).toBe(true), {
        timeoutMs: 30_000,
      });
      await waitFor(() => expect(blind.replicas.blindSince(Date.now())).toBeUndefined(), {
        timeoutMs: 30_000,
      });
      stalled = true;
      await waitFor(() => expect(blind.replicas.blindSince(Date.now())).toBeDefined(), {
        timeoutMs: 5_000,
      });
      await waitFor(async () => expect(await blindSeconds('gw-blind')).toBeGreaterThan(0), {
        timeoutMs: 5_000,
      });
      // A peer that stops while this replica is blind stays live past the timeout.
      await gone.stop();
      await new Promise((r) => setTimeout(r, 2_500));
      expect(blind.replicas.isLive('gw-gone', Date.now())).toBe(true);
      stalled = false;
      await waitFor(() => expect(blind.replicas.blindSince(Date.now())).toBeUndefined(), {
        timeoutMs: 10_000,
      });
      expect(blind.replicas.isLive('gw-gone', Date.now())).toBe(false);
      await waitFor(async () => expect(await blindSeconds('gw-blind')).toBe(0), {
        timeoutMs: 5_000,
      });
    } finally {
      await Promise.all([blind.stop(), gone.stop()]);
      await Promise.all([b.close(), g.close()]);
    }
  }, 90_000);

  it('is not ready before one timeout has passed since it subscribed (join)', async () => {
    const late = new GatewayViews('gw-late', logger, { heartbeat_ms: 200, timeout_ms: 1_500 });
    const b = bus('late');
    try {
      const started = Date.now();
      await late.start(b);
      expect(late.ready()).toBe(false);
      await waitFor(() => expect(late.ready()).toBe(true), { timeoutMs: 15_000 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
      await waitFor(() => expect(views[0]!.replicas.isLive('gw-late', Date.now())).toBe(true), {
        timeoutMs: 10_000,
      });
    } finally {
      await late.stop();
      await b.close();
    }
  }, 60_000);
});
