import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { allTopics } from '@llmgov/events';
import { KafkaEventBus, silentLogger, type EventBus } from '@llmgov/messaging';
import { HealthModule, createServiceApp, newSecret, systemClock, type ServiceRuntime } from '@llmgov/service-kit';
import { freePort, kafkaBrokers, testSchema, testTopicPrefix, waitFor, type TestSchema } from '@llmgov/testing';
import { GatewayModule } from '@llmgov/gateway';
import { PolicyRegistryModule } from '@llmgov/policy-registry';
import { BudgetLedgerModule } from '@llmgov/budget-ledger';
import { ApprovalWorkflowModule } from '@llmgov/approval-workflow';
import { AuditModule } from '@llmgov/audit';
import { runWalkingSkeleton, type ServiceUrls } from './walking-skeleton.scenario';

/**
 * The same walking skeleton with every service its own Nest app on its own port, its own
 * Kafka client and its own Postgres schema: real Kafka, real Postgres, nothing shared but
 * the broker and the database server — as in the distributed deployment.
 */
describe('walking skeleton — distributed (real Kafka, real Postgres)', () => {
  const topicPrefix = testTopicPrefix();
  const bootstrapKey = newSecret('msh');
  const apps: NestFastifyApplication[] = [];
  const buses: EventBus[] = [];
  const schemas: TestSchema[] = [];
  let urls: ServiceUrls;
  let outsider: Consumer;
  const violations: { headers: Record<string, string>; key: string; value: any }[] = [];

  const runtime = async (service: string, replica: string): Promise<ServiceRuntime & { schema: string }> => {
    const bus = new KafkaEventBus({ brokers: kafkaBrokers(), clientId: `${service}-${replica}`, topicPrefix, logger: silentLogger });
    buses.push(bus);
    const schema = await testSchema(service.replace(/-/g, '_'));
    schemas.push(schema);
    return { bus, databaseUrl: schema.url, schema: schema.name, replicaId: replica, clock: systemClock, jwt: {}, poolSize: 4 };
  };

  const start = async (module: DynamicModule): Promise<string> => {
    @Module({ imports: [HealthModule, module] })
    class Root {}
    const app = await createServiceApp(Root, { name: 'test', logger: ['error'] });
    const port = await freePort();
    await app.listen(port, '127.0.0.1');
    apps.push(app);
    return `http://127.0.0.1:${port}`;
  };

  beforeAll(async () => {
    const admin = new KafkaEventBus({ brokers: kafkaBrokers(), clientId: 'skeleton-admin', topicPrefix, logger: silentLogger });
    await admin.ensureTopics(allTopics);
    await admin.close();

    // An outside service subscribes to policy.violated with a plain kafkajs consumer.
    const kafka = new Kafka({ clientId: 'outside-subscriber', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    outsider = kafka.consumer({ groupId: `${topicPrefix}outside-siem`, maxWaitTimeInMs: 200 });
    await outsider.connect();
    await outsider.subscribe({ topic: `${topicPrefix}policy.violated`, fromBeginning: true });
    await outsider.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        violations.push({ headers, key: String(message.key), value: JSON.parse(String(message.value)) });
      },
    });

    const approvalPort = await freePort();
    const registry = await start(PolicyRegistryModule.forRoot({ ...(await runtime('policy-registry', 'r1')), bootstrapAdminKey: bootstrapKey }));
    const ledger = await start(BudgetLedgerModule.forRoot(await runtime('budget-ledger', 'l1')));
    const audit = await start(AuditModule.forRoot(await runtime('audit', 'a1')));
    // The approval workflow listens on the port the gateway was told about.
    {
      @Module({ imports: [HealthModule, ApprovalWorkflowModule.forRoot(await runtime('approval-workflow', 'w1'))] })
      class ApprovalRoot {}
      const app = await createServiceApp(ApprovalRoot, { name: 'approval-workflow', logger: ['error'] });
      await app.listen(approvalPort, '127.0.0.1');
      apps.push(app);
    }
    const gateway = await start(GatewayModule.forRoot({ ...(await runtime('gateway', 'g1')), approvalServiceUrl: `http://127.0.0.1:${approvalPort}` }));
    urls = { gateway, registry, ledger, audit };
  }, 180_000);

  afterAll(async () => {
    await outsider?.disconnect();
    for (const app of apps.reverse()) await app.close();
    for (const bus of buses) await bus.close();
    for (const schema of schemas) await schema.cleanup();
  });

  it('org → key → model_allowlist policy → 403 at the gateway → audit and ledger see the events', async () => {
    const result = await runWalkingSkeleton(urls, bootstrapKey);

    // The outside subscriber received the violation with the CONTRACT.md fields, no prompt text.
    const violation = await waitFor(() => {
      const found = violations.find((v) => v.headers.ce_subject === result.refusal.body.request_id || v.value.request_id === result.refusal.body.request_id);
      expect(found).toBeDefined();
      return found!;
    }, { timeoutMs: 20_000, intervalMs: 100 });
    expect(violation.headers).toMatchObject({ ce_specversion: '1.0', ce_type: 'policy.violated' });
    expect(violation.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(violation.value).toMatchObject({
      org_id: result.orgId,
      key_id: expect.any(String),
      model: 'mock/echo-premium',
      provider: 'mock',
      step: 'model_access',
      code: 'model_allowlist',
      policy_id: result.refusal.body.policy_id,
      policy_version: result.refusal.body.policy_attribution.policy_version,
      request_id: result.refusal.body.request_id,
      occurred_at: expect.any(String),
    });
    const raw = JSON.stringify(violation);
    expect(raw).not.toContain('Which model are you?');
    expect(raw).not.toContain(result.gatewayKey);
  });
});
