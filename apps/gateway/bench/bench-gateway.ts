// Starts the gateway for the peer benchmark (/work/shared/bench/peers/run.sh) with the issue's
// policy: every PII pattern set to redact, the security scanner on, a daily budget and rate
// limits far above the load (so the budget and rate steps run but never refuse). Prints
// `KEY=<gk_…>` and `PID=<gateway process>` once explain allows a request through the key.
//
//   MODE=standalone (default): the gateway's real main.ts in a child process on a Kafka bus
//     (KAFKA_BROKERS, a fresh TOPIC_PREFIX); org, key and policy are published on Kafka.
//     GATEWAY_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the child's node;
//     GATEWAY_ENTRY=dist runs the compiled dist/apps/gateway/main.js (`npm run build` first).
//   MODE=in-process: the gateway module in this process on the in-process bus (quick iterations).
//
//   OPENAI_BASE_URL=http://127.0.0.1:18080/v1 OPENAI_API_KEY=sk-mock PORT=18090 KAFKA_BROKERS=127.0.0.1:19092 \
//     node -r ./tools/register.cjs apps/gateway/bench/bench-gateway.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Module } from '@nestjs/common';
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

async function standalone(): Promise<() => Promise<void>> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers)
    throw new Error('KAFKA_BROKERS is required (npx node infra/kafka/kafka.mjs start prints it)');
  const topicPrefix = `bench${randomBytes(4).toString('hex')}.`;
  const bus = createEventBus({
    kind: 'kafka',
    brokers: brokers.split(','),
    clientId: 'bench-provisioner',
    topicPrefix,
  });
  await bus.ensureTopics(allTopics);
  const flags = (process.env.GATEWAY_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const entry =
    process.env.GATEWAY_ENTRY === 'dist'
      ? ['dist/apps/gateway/main.js']
      : ['-r', './tools/register.cjs', 'apps/gateway/src/main.ts'];
  const child: ChildProcess = spawn(process.execPath, [...flags, ...entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(PORT),
      KAFKA_BROKERS: brokers,
      TOPIC_PREFIX: topicPrefix,
      DATABASE_URL: '',
    },
    stdio: ['ignore', process.env.GATEWAY_LOG ? 'inherit' : 'ignore', 'inherit'],
  });
  const t = newTenant();
  try {
    await provision(bus, t);
    await untilServing(t.secret);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  process.stdout.write(`KEY=${t.secret}\nPID=${child.pid}\n`);
  return async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
    await bus.close();
  };
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
  if (mode !== 'standalone' && mode !== 'in-process')
    throw new Error(
      `MODE must be standalone or in-process (embedded runs from apps/embedded/bench), got ${mode}`,
    );
  const stop = mode === 'standalone' ? await standalone() : await inProcess();
  const shutdown = () => void stop().then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
