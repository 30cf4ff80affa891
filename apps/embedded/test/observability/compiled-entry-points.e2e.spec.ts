import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTopics } from '@llmgov/events';
import { KafkaEventBus, silentLogger } from '@llmgov/messaging';
import { newSecret } from '@llmgov/service-kit';
import {
  freePort,
  kafkaBrokers,
  testSchema,
  testTopicPrefix,
  type TestSchema,
} from '@llmgov/testing';
import { REPO_ROOT, runCompiled, stopProcess, waitReady, type ServiceProcess } from './processes';

/** The shared objects a process has mapped (Linux): SWC's native binding shows here once loaded. */
const mappedFiles = (pid: number): string => readFileSync(`/proc/${pid}/maps`, 'utf8');

/**
 * Issue 14 item 1: `npm run build` compiles every app to JavaScript and the production entry
 * points (the image's CMD, the Kubernetes commands) run `node dist/apps/<service>/main.js`.
 * The gateway and the policy registry start that way on real Kafka and Postgres, answer
 * `/health/ready`, and have no TypeScript compiler loaded.
 */
describe('compiled entry points — node dist/apps/<service>/main.js (real Kafka, real Postgres)', () => {
  const topicPrefix = testTopicPrefix();
  let schema: TestSchema;
  let registry: ServiceProcess | undefined;
  let gateway: ServiceProcess | undefined;
  let registryPort: number;
  let gatewayPort: number;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'tools', 'build.mjs')], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
    });
    const admin = new KafkaEventBus({
      brokers: kafkaBrokers(),
      clientId: 'compiled-admin',
      topicPrefix,
      logger: silentLogger,
    });
    await admin.ensureTopics(allTopics);
    await admin.close();
    schema = await testSchema('compiled_registry');
    [registryPort, gatewayPort] = [await freePort(), await freePort()];
    const common = {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      TOPIC_PREFIX: topicPrefix,
      LOG_LEVEL: 'warn',
    };
    registry = runCompiled('dist/apps/policy-registry/main.js', {
      ...common,
      PORT: String(registryPort),
      DATABASE_URL: schema.url,
      DB_SCHEMA: schema.name,
      BOOTSTRAP_ADMIN_KEY: newSecret('msh'),
      REPLICA_ID: 'r1',
    });
    gateway = runCompiled('dist/apps/gateway/main.js', {
      ...common,
      PORT: String(gatewayPort),
      REPLICA_ID: 'g1',
    });
  }, 60_000);

  afterAll(async () => {
    await stopProcess(gateway);
    await stopProcess(registry);
    await schema?.cleanup();
  });

  it.each([
    ['gateway', () => gateway!, () => gatewayPort],
    ['policy-registry', () => registry!, () => registryPort],
  ])(
    'GET /health/ready of dist/apps/%s/main.js → 200 ready, with no compiler loaded',
    async (name, proc, port) => {
      await waitReady(proc(), `http://127.0.0.1:${port()}/health/ready`, 60_000);
      const res = await fetch(`http://127.0.0.1:${port()}/health/ready`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('ready');
      expect(proc().child.spawnargs.slice(1)).toEqual([
        '--enable-source-maps',
        `dist/apps/${name}/main.js`,
      ]);
      const maps = mappedFiles(proc().child.pid!);
      expect(maps).toContain('/node_modules/'); // the check sees the process's modules at all
      expect(maps).not.toMatch(/@swc|swc\..*\.node/);
    },
    90_000,
  );
});
