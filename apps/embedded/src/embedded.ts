import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { allTopics } from '@llmgov/events';
import {
  HealthModule,
  Readiness,
  bootstrapService,
  drainAndClose,
  newSecret,
  serveConsole,
  systemClock,
  type ServiceRuntime,
} from '@llmgov/service-kit';
import { GatewayModule } from '@llmgov/gateway';
import { PolicyRegistryModule } from '@llmgov/policy-registry';
import { BudgetLedgerModule } from '@llmgov/budget-ledger';
import { ApprovalWorkflowModule } from '@llmgov/approval-workflow';
import { AuditModule } from '@llmgov/audit';
import { MetricsModule } from '@llmgov/telemetry';
import type { EmbeddedConfig } from './config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { DurableEventLog } from './durable-event-log';
import { IngestPacer } from './ingest-pacer';
import { ensureDemo, type DemoCredentials } from './demo';

export interface Embedded {
  app: NestFastifyApplication;
  /** The address it listens on (HOST) and its port. */
  host: string;
  port: number;
  demo: DemoCredentials | null;
  /** Whether the web console is built and served at /console. */
  consoleBuilt: boolean;
  /** The durable in-process event log every service shares. */
  bus: DurableEventLog;
  stop(): Promise<void>;
}

/**
 * Records a consumer (ledger, audit, registry) takes per transaction under a backlog: 2000
 * rather than the bus's 500 took the embedded ledger from 1.7–2.0k to 4.9k events/s and the
 * audit from 1.4–1.6k to 3.6k on a shared 2-core box (`npm run bench embedded`, 2026-11-28).
 */
const INGEST_BATCH = 2000;
/** Longest a gateway request waits for the consumers to catch up, however far behind. */
const PACE_MAX_WAIT_MS = 1_000;
/** A consumer that has not moved for this long is stalled (the database down): not waited for. */
const PACE_STALLED_AFTER_MS = 10_000;

/** Starts the five services in this process: PGlite, the in-process bus, one HTTP port. */
export async function startEmbedded(config: EmbeddedConfig): Promise<Embedded> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const bootstrapKey = config.BOOTSTRAP_ADMIN_KEY ?? persistentBootstrapKey(config.dataDir);
  const postgres = await startEmbeddedPostgres(config.dataDir);
  const replicaId = 'embedded';
  // Groups named after the replica hold in-memory views: rebuilt from the start of the log.
  const bus = new DurableEventLog(join(config.dataDir, 'events.jsonl'), {
    inMemoryGroup: (group) => group.includes(replicaId),
    segmentBytes: config.EVENT_LOG_SEGMENT_BYTES,
    retentionMonths: config.EVENT_LOG_RETENTION_MONTHS,
    compactEveryMs: config.EVENT_LOG_COMPACT_INTERVAL_MS,
    maxBatchSize: INGEST_BATCH,
  });
  await bus.ensureTopics(allTopics);
  const replayStartedAt = performance.now();
  const loaded = await bus.open();
  const pacer = new IngestPacer(bus, {
    maxLagMs: config.INGEST_MAX_LAG_MS,
    maxWaitMs: Math.max(PACE_MAX_WAIT_MS, 2 * config.INGEST_MAX_LAG_MS),
    stalledAfterMs: PACE_STALLED_AFTER_MS,
  });

  const runtime: ServiceRuntime = {
    bus,
    databaseUrl: postgres.url,
    replicaId,
    clock: systemClock,
    jwt: { secret: config.JWT_SECRET, jwksUrl: config.JWT_JWKS_URL },
    poolSize: 4,
  };
  // How this process reaches itself: through HOST unless it listens on every interface.
  const everywhere = config.HOST === '0.0.0.0' || config.HOST === '::';
  const self = everywhere
    ? '127.0.0.1'
    : config.HOST.includes(':')
      ? `[${config.HOST}]`
      : config.HOST;
  const selfUrl = `http://${self}:${config.PORT}`;
  const modules: DynamicModule[] = [
    PolicyRegistryModule.forRoot({ ...runtime, bootstrapAdminKey: bootstrapKey }),
    // One gateway replica in one process: no peer to wait for, so heartbeats are short.
    GatewayModule.forRoot({
      ...runtime,
      approvalServiceUrl: selfUrl,
      heldAnswerKey: persistentHeldAnswerKey(config.dataDir),
      requestDeadlineMs: config.REQUEST_DEADLINE_MS,
      replicaHeartbeatMs: 100,
      replicaTimeoutMs: 300,
    }),
    BudgetLedgerModule.forRoot(runtime),
    ApprovalWorkflowModule.forRoot(runtime),
    AuditModule.forRoot({
      ...runtime,
      webhookSecrets: config.webhookSecrets,
      webhooks: {
        maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
        backoffMs: config.WEBHOOK_BACKOFF_MS,
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      },
    }),
  ];

  let consoleBuilt = false;
  @Module({ imports: [HealthModule, MetricsModule, ...modules] })
  class EmbeddedModule {}

  const app = await bootstrapService(EmbeddedModule, {
    name: 'embedded',
    port: config.PORT,
    host: config.HOST,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    connectionTimeoutMs: config.HTTP_CONNECTION_TIMEOUT_MS,
    shutdownHooks: false,
    configure: async (nest) => {
      // Model calls wait while the durable consumers are too far behind; admin routes never.
      nest
        .getHttpAdapter()
        .getInstance()
        .addHook('onRequest', async (request) => {
          if (request.method === 'POST' && request.url.startsWith('/v1/')) await pacer.pace();
        });
      consoleBuilt = await serveConsole(nest, config.CONSOLE_DIR);
    },
    logger:
      config.LOG_LEVEL === 'debug'
        ? ['error', 'warn', 'log', 'debug']
        : config.LOG_LEVEL === 'log'
          ? ['error', 'warn', 'log']
          : config.LOG_LEVEL === 'warn'
            ? ['error', 'warn']
            : ['error'],
  });
  // Not ready while consumers replay what the log held at start (issue 17 item 8).
  app.get(Readiness).register('embedded.event-log', () => bus.caughtUp());
  void whenCaughtUp(bus).then(() => {
    const ms = Math.round(performance.now() - replayStartedAt);
    if (loaded > 0)
      new Logger('EventLog').log(`${loaded} records loaded; consumers caught up in ${ms} ms`);
  });
  const port = Number(new URL(await app.getUrl()).port);
  const demo =
    config.DEMO === 'on'
      ? await ensureDemo(`http://${self}:${port}`, bootstrapKey, config.dataDir)
      : null;
  return {
    app,
    host: config.HOST,
    port,
    demo,
    consoleBuilt,
    bus,
    async stop() {
      await drainAndClose(app);
      await bus.close();
      await postgres.stop();
    },
  };
}

async function whenCaughtUp(bus: DurableEventLog): Promise<void> {
  while (!bus.caughtUp()) await new Promise((r) => setTimeout(r, 50).unref());
}

/** The key that seals answers the confidence gate holds, kept in DATA_DIR (0600) across restarts. */
function persistentHeldAnswerKey(dataDir: string): Buffer {
  const file = join(dataDir, 'held-answer.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}

/** Without BOOTSTRAP_ADMIN_KEY, the embedded mode makes one and keeps it in DATA_DIR. */
function persistentBootstrapKey(dataDir: string): string {
  const file = join(dataDir, 'bootstrap-admin.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = newSecret('msh');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
