import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { allTopics } from '@llmgov/events';
import { KafkaEventBus, silentLogger } from '@llmgov/messaging';
import { newSecret } from '@llmgov/service-kit';
import {
  freePort,
  kafkaBrokers,
  testSchema,
  testTopicPrefix,
  waitFor,
  type TestSchema,
} from '@llmgov/testing';
import { call } from '../walking-skeleton.scenario';
import {
  exitWithin,
  fakeOpenAi,
  runMain,
  stopProcess,
  waitReady,
  type FakeUpstream,
  type ServiceProcess,
} from './processes';

/** Whether a fresh TCP connection to `port` is refused (the listener is closed). */
const connectionRefused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });

/** Counts `request.completed` (forwarded) records on the requests topic, waiting for `expected`. */
async function countCompleted(topicPrefix: string, expected: number): Promise<number> {
  const kafka = new Kafka({
    clientId: 'graceful-reader',
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({
    groupId: `${topicPrefix}graceful-reader`,
    maxWaitTimeInMs: 100,
  });
  let count = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: `${topicPrefix}gateway.requests.v1`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = JSON.parse(String(message.value));
        if (
          String(message.headers?.ce_type) === 'request.completed' &&
          value.outcome === 'forwarded'
        )
          count++;
      },
    });
    await waitFor(() => expect(count).toBeGreaterThanOrEqual(expected), {
      timeoutMs: 10_000,
      intervalMs: 50,
    }).catch(() => undefined);
    return count;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * The gateway and the policy registry run standalone (`main.ts` on `runService`, real Kafka,
 * real Postgres), the gateway in front of a slow OpenAI-compatible upstream. SIGTERM during
 * load: the requests already in flight are answered, new connections are refused, the process
 * exits 0; the registry stopped right after a burst of writes leaves no unpublished outbox row.
 */
describe('graceful restart — standalone gateway and registry on SIGTERM', () => {
  const UPSTREAM_DELAY_MS = 1500;
  const topicPrefix = testTopicPrefix();
  const bootstrapKey = newSecret('msh');
  let upstream: FakeUpstream;
  let schema: TestSchema;
  let registry: ServiceProcess;
  let gateway: ServiceProcess;
  let registryUrl: string;
  let gatewayPort: number;

  beforeAll(async () => {
    const admin = new KafkaEventBus({
      brokers: kafkaBrokers(),
      clientId: 'graceful-admin',
      topicPrefix,
      logger: silentLogger,
    });
    await admin.ensureTopics(allTopics);
    await admin.close();
    upstream = await fakeOpenAi(UPSTREAM_DELAY_MS);
    schema = await testSchema('graceful_registry');
    const common = {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      TOPIC_PREFIX: topicPrefix,
      LOG_LEVEL: 'warn',
    };
    const registryPort = await freePort();
    gatewayPort = await freePort();
    registryUrl = `http://127.0.0.1:${registryPort}`;
    registry = runMain('apps/policy-registry/src/main.ts', {
      ...common,
      PORT: String(registryPort),
      DATABASE_URL: schema.url,
      DB_SCHEMA: schema.name,
      BOOTSTRAP_ADMIN_KEY: bootstrapKey,
      REPLICA_ID: 'r1',
    });
    gateway = runMain('apps/gateway/src/main.ts', {
      ...common,
      PORT: String(gatewayPort),
      REPLICA_ID: 'g1',
      OPENAI_API_KEY: `sk-${newSecret('gk').slice(3)}`,
      OPENAI_BASE_URL: upstream.url,
    });
    await Promise.all([
      waitReady(registry, `${registryUrl}/health/ready`, 40_000),
      waitReady(gateway, `http://127.0.0.1:${gatewayPort}/health/ready`, 40_000),
    ]);
  }, 60_000);

  afterAll(async () => {
    await stopProcess(gateway);
    await stopProcess(registry);
    await upstream?.close();
    await schema?.cleanup();
  });

  it('SIGTERM during load: every accepted request is answered, new connections are refused, both exit 0 with the outbox drained', async () => {
    const org = await call(`${registryUrl}/governance/orgs`, {
      key: bootstrapKey,
      body: { name: 'Graceful Inc', plan: 'growth' },
    });
    expect(org.status).toBe(201);
    const admin = (
      await call(`${registryUrl}/governance/keys`, {
        key: bootstrapKey,
        body: { kind: 'admin', role: 'owner', org_id: org.body.data.id },
      })
    ).body.data.key as string;
    const gk = (
      await call(`${registryUrl}/governance/keys`, {
        key: admin,
        body: { kind: 'gateway', name: 'graceful-agent' },
      })
    ).body.data.key as string;
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const body = {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'take your time' }],
    };
    await waitFor(
      async () => {
        const res = await call(`${gatewayUrl}/v1/governance/explain`, { key: gk, body });
        expect(res.body.decision).toBe('allow');
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );

    // Load: 20 concurrent requests, each held ~1.5 s by the upstream.
    const LOAD = 20;
    const results = Array.from({ length: LOAD }, () =>
      fetch(`${gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gk}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
        .then(async (res) => ({
          status: res.status,
          body: (await res.json()) as any,
          error: null as string | null,
        }))
        .catch((error: Error) => ({
          status: 0,
          body: null,
          error: String((error.cause as Error | undefined)?.message ?? error.message),
        })),
    );
    // Every request is at the upstream (the gateway accepted and forwarded it) before SIGTERM.
    await waitFor(() => expect(upstream.received.length).toBe(LOAD), {
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    const signalled = Date.now();
    gateway.child.kill('SIGTERM');

    // New connections are refused once the listener closes, while the accepted requests are still upstream.
    await waitFor(async () => expect(await connectionRefused(gatewayPort)).toBe(true), {
      timeoutMs: 2_000,
      intervalMs: 20,
    });
    expect(Date.now() - signalled).toBeLessThan(UPSTREAM_DELAY_MS);

    const answered = await Promise.all(results);
    expect(answered.map((r) => r.error)).toEqual(Array(LOAD).fill(null));
    expect(answered.map((r) => r.status)).toEqual(Array(LOAD).fill(200));
    expect(answered.every((r) => r.body.choices[0].message.content === 'fine, thanks')).toBe(true);
    expect(await exitWithin(gateway, 10_000)).toBe(0);
    // Nothing the accepted requests queued was lost: all 20 `request.completed` events are on Kafka.
    const completed = await countCompleted(topicPrefix, LOAD);
    expect(completed).toBe(LOAD);

    // The registry: a burst of writes (each an event + outbox row), SIGTERM right after the last answer.
    const writes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(`${registryUrl}/governance/teams`, { key: admin, body: { name: `team-${i}` } }),
      ),
    );
    expect(writes.map((w) => w.status)).toEqual(Array(10).fill(201));
    registry.child.kill('SIGTERM');
    expect(await exitWithin(registry, 10_000)).toBe(0);
    const pg = new Client({ connectionString: schema.url });
    await pg.connect();
    try {
      const { rows } = await pg.query(
        `select count(*) filter (where published_at is null)::int as unpublished, count(*)::int as total from "${schema.name}".outbox`,
      );
      expect(rows[0].total).toBeGreaterThanOrEqual(13); // org, two keys, ten teams
      expect(rows[0].unpublished).toBe(0);
    } finally {
      await pg.end();
    }
  });
});
