import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { allTopics } from '@llmgov/events';
import { createEventBus } from '@llmgov/messaging';
import { HealthModule, bootstrapService, drainAndClose, newSecret, systemClock, type ServiceRuntime } from '@llmgov/service-kit';
import { GatewayModule } from '@llmgov/gateway';
import { PolicyRegistryModule } from '@llmgov/policy-registry';
import { BudgetLedgerModule } from '@llmgov/budget-ledger';
import { ApprovalWorkflowModule } from '@llmgov/approval-workflow';
import { AuditModule } from '@llmgov/audit';
import { MetricsModule } from '@llmgov/telemetry';
import type { EmbeddedConfig } from './config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { DurableEventLog } from './durable-event-log';
import { ensureDemo, type DemoCredentials } from './demo';

export interface Embedded {
  app: NestFastifyApplication;
  port: number;
  demo: DemoCredentials | null;
  stop(): Promise<void>;
}

/** Starts the five services in this process: PGlite, the in-process bus, one HTTP port. */
export async function startEmbedded(config: EmbeddedConfig): Promise<Embedded> {
  mkdirSync(config.dataDir, { recursive: true });
  const bootstrapKey = config.BOOTSTRAP_ADMIN_KEY ?? persistentBootstrapKey(config.dataDir);
  const postgres = await startEmbeddedPostgres(config.dataDir);
  const bus = new DurableEventLog(createEventBus({ kind: 'in-process' }), join(config.dataDir, 'events.jsonl'));
  await bus.ensureTopics(allTopics);
  await bus.open();

  const runtime: ServiceRuntime = {
    bus,
    databaseUrl: postgres.url,
    replicaId: 'embedded',
    clock: systemClock,
    jwt: { secret: config.JWT_SECRET, jwksUrl: config.JWT_JWKS_URL },
    poolSize: 4,
  };
  const selfUrl = `http://127.0.0.1:${config.PORT}`;
  const modules: DynamicModule[] = [
    PolicyRegistryModule.forRoot({ ...runtime, bootstrapAdminKey: bootstrapKey }),
    // One gateway replica in one process: no peer to wait for, so heartbeats are short.
    GatewayModule.forRoot({ ...runtime, approvalServiceUrl: selfUrl, requestDeadlineMs: config.REQUEST_DEADLINE_MS, replicaHeartbeatMs: 100, replicaTimeoutMs: 300 }),
    BudgetLedgerModule.forRoot(runtime),
    ApprovalWorkflowModule.forRoot(runtime),
    AuditModule.forRoot(runtime),
  ];

  @Module({ imports: [HealthModule, MetricsModule, ...modules] })
  class EmbeddedModule {}

  const app = await bootstrapService(EmbeddedModule, {
    name: 'embedded',
    port: config.PORT,
    host: config.HOST,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    connectionTimeoutMs: config.HTTP_CONNECTION_TIMEOUT_MS,
    shutdownHooks: false,
    logger: config.LOG_LEVEL === 'debug' ? ['error', 'warn', 'log', 'debug'] : config.LOG_LEVEL === 'log' ? ['error', 'warn', 'log'] : config.LOG_LEVEL === 'warn' ? ['error', 'warn'] : ['error'],
  });
  const port = Number(new URL(await app.getUrl()).port);
  const demo = config.DEMO === 'on' ? await ensureDemo(`http://127.0.0.1:${port}`, bootstrapKey, config.dataDir) : null;
  return {
    app,
    port,
    demo,
    async stop() {
      await drainAndClose(app);
      await bus.close();
      await postgres.stop();
    },
  };
}

/** Without BOOTSTRAP_ADMIN_KEY, the embedded mode makes one and keeps it in DATA_DIR. */
function persistentBootstrapKey(dataDir: string): string {
  const file = join(dataDir, 'bootstrap-admin.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = newSecret('msh');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
