import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { allTopics } from '@llmgov/events';
import { KafkaEventBus, silentLogger, type EventBus } from '@llmgov/messaging';
import {
  HealthModule,
  createServiceApp,
  newSecret,
  serveConsole,
  systemClock,
  type Clock,
  type ServiceRuntime,
} from '@llmgov/service-kit';
import { kafkaBrokers, testSchema, testTopicPrefix, type TestSchema } from '@llmgov/testing';
import { GatewayModule } from '@llmgov/gateway';
import { PolicyRegistryModule } from '@llmgov/policy-registry';
import { BudgetLedgerModule } from '@llmgov/budget-ledger';
import { ApprovalWorkflowModule } from '@llmgov/approval-workflow';
import { AuditModule, type AuditModuleOptions } from '@llmgov/audit';

/** One running service: its own Nest app on its own port, its own Kafka client. */
export interface RunningService {
  url: string;
  app: NestFastifyApplication;
  bus: EventBus;
  replicaId: string;
  /** Closes the app, then its Kafka client (idempotent). */
  close(): Promise<void>;
}

export interface DistributedOptions {
  /** Gateway replicas to start (default 1); each has its own replicaId and Kafka client. */
  gateways?: number;
  /** Provider environment of every gateway (`OPENAI_BASE_URL`, `OPENAI_API_KEY`, …). */
  providerEnv?: Record<string, string | undefined>;
  /** Start the approval workflow (default true); the gateways are told its URL. */
  approvals?: boolean;
  /** Start the audit service (default true). */
  audit?: boolean;
  /** The ledger's clock (default the system clock). */
  ledgerClock?: Clock;
  /** The clock of the gateways and the approval workflow (default the system clock). */
  clock?: Clock;
  /** Extra audit options (alert webhook secrets and delivery timing). */
  auditOptions?: Pick<AuditModuleOptions, 'webhookSecrets' | 'webhooks'>;
  /** The registry also serves the built web console at /console, as its main.ts does (default false). */
  console?: boolean;
}

export interface Distributed {
  topicPrefix: string;
  /** The platform owner's admin key (BOOTSTRAP_ADMIN_KEY of the registry). */
  bootstrapKey: string;
  registry: RunningService;
  ledger: RunningService;
  approvals: RunningService | null;
  audit: RunningService | null;
  gateways: RunningService[];
  /** Another gateway replica on the same topics (same provider environment unless given). */
  startGateway(providerEnv?: Record<string, string | undefined>): Promise<RunningService>;
  /** A (new) audit app on the audit's schema and consumer groups, e.g. after closing the first. */
  startAudit(): Promise<RunningService>;
  /** A (new) ledger app on the ledger's schema and consumer group, e.g. after closing the first. */
  startLedger(): Promise<RunningService>;
  close(): Promise<void>;
}

/**
 * The distributed deployment in one test process: every service is its own Nest app on its
 * own port (127.0.0.1), with its own KafkaEventBus client on a shared topic prefix and its own
 * Postgres schema — real Kafka, real Postgres, nothing shared but the broker and the server.
 */
export async function startDistributed(options: DistributedOptions = {}): Promise<Distributed> {
  const topicPrefix = testTopicPrefix();
  const bootstrapKey = newSecret('msh');
  const schemas: TestSchema[] = [];
  const running: RunningService[] = [];
  let replicas = 0;

  const admin = new KafkaEventBus({
    brokers: kafkaBrokers(),
    clientId: 'e2e-admin',
    topicPrefix,
    logger: silentLogger,
  });
  await admin.ensureTopics(allTopics);
  await admin.close();

  const schemaFor = async (service: string): Promise<TestSchema> => {
    const schema = await testSchema(service.replace(/-/g, '_'));
    schemas.push(schema);
    return schema;
  };

  const runtime = (
    service: string,
    schema: TestSchema | null,
    clock: Clock = systemClock,
  ): ServiceRuntime & { schema?: string } => {
    const replicaId = `${service}-${++replicas}`;
    const bus = new KafkaEventBus({
      brokers: kafkaBrokers(),
      clientId: replicaId,
      topicPrefix,
      logger: silentLogger,
    });
    return {
      bus,
      databaseUrl: schema?.url ?? '',
      ...(schema ? { schema: schema.name } : {}),
      replicaId,
      clock,
      jwt: {},
      poolSize: 4,
    };
  };

  type Configure = (app: NestFastifyApplication) => Promise<void>;
  const start = async (
    name: string,
    rt: ServiceRuntime,
    module: DynamicModule,
    configure?: Configure,
  ): Promise<RunningService> => {
    @Module({ imports: [HealthModule, module] })
    class Root {}
    const app = await createServiceApp(Root, { name, logger: ['error'], configure });
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    let closed: Promise<void> | null = null;
    const service: RunningService = {
      url,
      app,
      bus: rt.bus,
      replicaId: rt.replicaId,
      close: () =>
        (closed ??= (async () => {
          await app.close();
          await rt.bus.close();
        })()),
    };
    running.push(service);
    return service;
  };

  const registryRt = runtime('policy-registry', await schemaFor('policy-registry'));
  const withConsole: Configure | undefined = options.console
    ? async (app) => void (await serveConsole(app))
    : undefined;
  const registryModule = PolicyRegistryModule.forRoot({
    ...registryRt,
    bootstrapAdminKey: bootstrapKey,
  });
  const registry = await start('policy-registry', registryRt, registryModule, withConsole);

  const ledgerSchema = await schemaFor('budget-ledger');
  const startLedger = async () => {
    const rt = runtime('budget-ledger', ledgerSchema, options.ledgerClock);
    return start('budget-ledger', rt, BudgetLedgerModule.forRoot({ ...rt, relayIntervalMs: 20 }));
  };
  const ledger = await startLedger();

  let audit: RunningService | null = null;
  const auditSchema = options.audit !== false ? await schemaFor('audit') : null;
  const startAudit = async () => {
    if (!auditSchema) throw new Error('startDistributed: audit: false');
    const rt = runtime('audit', auditSchema);
    return start('audit', rt, AuditModule.forRoot({ ...rt, ...options.auditOptions }));
  };
  if (auditSchema) audit = await startAudit();
  let approvals: RunningService | null = null;
  if (options.approvals !== false) {
    const rt = runtime('approval-workflow', await schemaFor('approval-workflow'), options.clock);
    approvals = await start('approval-workflow', rt, ApprovalWorkflowModule.forRoot(rt));
  }

  const startGateway = async (providerEnv = options.providerEnv ?? {}) => {
    const rt = runtime('gateway', null, options.clock);
    return start(
      'gateway',
      rt,
      GatewayModule.forRoot({ ...rt, providerEnv, approvalServiceUrl: approvals?.url ?? null }),
    );
  };
  const gateways: RunningService[] = [];
  for (let i = 0; i < (options.gateways ?? 1); i++) gateways.push(await startGateway());

  return {
    topicPrefix,
    bootstrapKey,
    registry,
    ledger,
    approvals,
    audit,
    gateways,
    startGateway,
    startLedger,
    startAudit,
    async close() {
      for (const service of [...running].reverse()) await service.close().catch(() => undefined);
      for (const schema of schemas) await schema.cleanup();
    },
  };
}
