// Starts the gateway for the peer benchmark (/work/shared/bench/peers/run.sh) with the issue's
// policy: every PII pattern set to redact, the security scanner on, a daily budget and rate
// limits far above the load (so the budget and rate steps run but never refuse). Prints
// `KEY=<gk_…>` and `PID=<gateway process>` once explain allows a request through the key.
//
//   MODE=standalone (default): the compiled gateway (dist/apps/gateway/main.js, built first when
//     stale) in a child process on a Kafka bus (KAFKA_BROKERS, a fresh TOPIC_PREFIX), no
//     database; org, key and policy are published on Kafka.
//     GATEWAY_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the child's node;
//     SERVICES_NODE_FLAGS to the other four services' (distributed).
//   MODE=distributed: the whole deployment as docker-compose.yml runs it, on this machine: the
//     five compiled services, each its own process, on Kafka and one fresh Postgres database
//     (BENCH_DATABASE_URL names the server, default postgres://postgres@127.0.0.1:5432/postgres;
//     each service keeps its own schema in it, as in compose). The gateway is the one measured.
//   MODE=in-process: the gateway module in this process on the in-process bus (quick iterations).
//
//   OPENAI_BASE_URL=http://127.0.0.1:18080/v1 OPENAI_API_KEY=sk-mock PORT=18090 KAFKA_BROKERS=127.0.0.1:19092 \
//     node -r ./tools/register.cjs apps/gateway/bench/bench-gateway.ts
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Module } from '@nestjs/common';
import { Client } from 'pg';
import { allTopics, policyTopic, tenancyTopic } from '@llmgov/events';
import { createEventBus, type EventBus } from '@llmgov/messaging';
import type { GovernanceSettings } from '@llmgov/policy-schema';
import { HealthModule, createServiceApp, newId, systemClock } from '@llmgov/service-kit';
import { GatewayModule } from '../src';
import { newTenant, publishedPolicy, tenancyEvents, type Tenant } from '../test/gateway-harness';

const ROOT = resolve(__dirname, '../../..');
const PORT = Number(process.env.PORT ?? 18090);

/** The policy: PII redact, injection scanning, budgets and rate limits active but out of reach. */
export const benchSettings: Partial<GovernanceSettings> = {
  rate_limit_rpm: 10_000_000,
  key_rpm: 10_000_000,
  daily_request_quota: 1_000_000_000,
  daily_budget_usd: 1_000_000,
  per_request_limit_usd: 100,
  hitl_cost_threshold_usd: null,
  pii_scanning_enabled: true,
  pii_action: 'redact',
  pii_patterns: {
    api_key: 'redact',
    password: 'redact',
    email: 'redact',
    ssn: 'redact',
    credit_card: 'redact',
    phone: 'redact',
    jwt: 'redact',
    private_key: 'redact',
    iban: 'redact',
  },
  security_scanner: { enabled: true, sensitivity: 'medium' },
};

const BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'ping' }],
  max_tokens: 4,
});

/** Until explain (no upstream call: run.sh starts the mock later) answers with the policy in force. */
async function untilServing(secret: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/v1/governance/explain`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: BODY,
      });
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
      if (res.status === 200 && last.includes('"decision":"allow"')) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gateway not serving the bench key: ${last}`);
}

async function provision(bus: EventBus, t: Tenant): Promise<void> {
  await bus.publishBatch(tenancyTopic, tenancyEvents(t, 'enterprise'));
  await bus.publish(
    policyTopic,
    publishedPolicy(t.orgId, { plan: 'enterprise', settings: benchSettings }),
  );
}

/**
 * NODE_OPTIONS as the service's Kubernetes Deployment sets them (infra/k8s/base/<service>.yaml:
 * the image's young generation and a heap cap sized to the container's memory limit).
 */
function deployedNodeOptions(service: string): string {
  const manifest = readFileSync(join(ROOT, 'infra', 'k8s', 'base', `${service}.yaml`), 'utf8');
  const options = /- name: NODE_OPTIONS\s+value: (.+)/.exec(manifest)?.[1];
  if (!options) throw new Error(`infra/k8s/base/${service}.yaml sets no NODE_OPTIONS`);
  return options.trim();
}

/** The compiled service, as the image and the manifests run it (built first when stale). */
function spawnService(service: string, env: NodeJS.ProcessEnv, flags: string[] = []): ChildProcess {
  const child = spawn(
    process.execPath,
    [...flags, '--enable-source-maps', `dist/apps/${service}/main.js`],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        // As the image sets it (infra/docker/Dockerfile).
        GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=131072',
        NODE_OPTIONS: deployedNodeOptions(service),
        ...env,
        OTEL_SERVICE_NAME: `llmgov-${service}`,
      },
      stdio: ['ignore', process.env.GATEWAY_LOG ? 'inherit' : 'ignore', 'inherit'],
    },
  );
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null) process.stderr.write(`${service} exited with ${code}\n`);
  });
  return child;
}

const nodeFlags = (flags = '') => flags.split(' ').filter(Boolean);

function build(): void {
  const result = spawnSync(process.execPath, ['tools/build.mjs', '--if-stale'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('npm run build failed');
}

async function untilReady(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/health/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

/** A database of its own for the distributed run, dropped when it stops. */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = new URL(
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: server.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

const OTHERS = ['policy-registry', 'budget-ledger', 'approval-workflow', 'audit'] as const;

/**
 * Standalone: the gateway alone. Distributed: the gateway and the four other services (ports
 * PORT+1…PORT+4), all on one topic prefix and one database, as docker-compose.yml wires them.
 */
async function onKafka(distributed: boolean): Promise<() => Promise<void>> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers)
    throw new Error('KAFKA_BROKERS is required (npx node infra/kafka/kafka.mjs start prints it)');
  build();
  const topicPrefix = `bench${randomBytes(4).toString('hex')}.`;
  const bus = createEventBus({
    kind: 'kafka',
    brokers: brokers.split(','),
    clientId: 'bench-provisioner',
    topicPrefix,
  });
  await bus.ensureTopics(allTopics);
  const common = { KAFKA_BROKERS: brokers, TOPIC_PREFIX: topicPrefix, LOG_LEVEL: 'warn' };
  const db = distributed ? await freshDatabase() : null;
  const children: ChildProcess[] = [];
  const port = (service: string) => PORT + 1 + OTHERS.indexOf(service as never);
  if (db)
    for (const service of OTHERS)
      children.push(
        spawnService(
          service,
          {
            ...common,
            PORT: String(port(service)),
            DATABASE_URL: db.url,
            ...(service === 'policy-registry'
              ? { BOOTSTRAP_ADMIN_KEY: `msh_${randomBytes(24).toString('hex')}` }
              : {}),
          },
          nodeFlags(process.env.SERVICES_NODE_FLAGS),
        ),
      );
  const gateway = spawnService(
    'gateway',
    {
      ...common,
      PORT: String(PORT),
      DATABASE_URL: db?.url ?? '',
      APPROVAL_SERVICE_URL: `http://127.0.0.1:${port('approval-workflow')}`,
    },
    nodeFlags(process.env.GATEWAY_NODE_FLAGS),
  );
  children.push(gateway);
  const stop = async () => {
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        return exited;
      }),
    );
    await bus.close();
    await db?.drop();
  };
  const t = newTenant();
  try {
    if (db) await Promise.all(OTHERS.map((s) => untilReady(`http://127.0.0.1:${port(s)}`)));
    await provision(bus, t);
    await untilServing(t.secret, 120_000);
  } catch (error) {
    for (const child of children) child.kill('SIGKILL');
    await db?.drop();
    throw error;
  }
  process.stdout.write(`KEY=${t.secret}\nPID=${gateway.pid}\n`);
  return stop;
}

async function inProcess(): Promise<() => Promise<void>> {
  const bus = createEventBus({ kind: 'in-process' });
  @Module({
    imports: [
      HealthModule,
      GatewayModule.forRoot({
        bus,
        databaseUrl: '',
        replicaId: newId('replica'),
        clock: systemClock,
        jwt: {},
      }),
    ],
  })
  class RootModule {}
  const app = await createServiceApp(RootModule, { name: 'gateway', logger: ['error'] });
  await app.listen(PORT, '127.0.0.1');
  const t = newTenant();
  await provision(bus, t);
  await untilServing(t.secret);
  process.stdout.write(`KEY=${t.secret}\nPID=${process.pid}\n`);
  return async () => {
    await app.close();
    await bus.close();
  };
}

async function main(): Promise<void> {
  const mode = process.env.MODE ?? 'standalone';
  if (!['standalone', 'distributed', 'in-process'].includes(mode))
    throw new Error(
      `MODE must be standalone, distributed or in-process (embedded runs from apps/embedded/bench), got ${mode}`,
    );
  const stop = mode === 'in-process' ? await inProcess() : await onKafka(mode === 'distributed');
  const shutdown = () => void stop().then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
