import { randomBytes } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { allTopics } from '@llmgov/events';
import { KafkaEventBus, silentLogger, type EventBus } from '@llmgov/messaging';
import {
  HealthModule,
  createServiceApp,
  newSecret,
  systemClock,
  type ServiceRuntime,
} from '@llmgov/service-kit';
import { inMemoryTracing, metricsRegistry, type InMemoryTracing } from '@llmgov/telemetry';
import {
  freePort,
  kafkaBrokers,
  testSchema,
  testTopicPrefix,
  waitFor,
  type TestSchema,
} from '@llmgov/testing';
import { GatewayModule } from '@llmgov/gateway';
import { PolicyRegistryModule } from '@llmgov/policy-registry';
import { BudgetLedgerModule } from '@llmgov/budget-ledger';
import { ApprovalWorkflowModule } from '@llmgov/approval-workflow';
import { AuditModule } from '@llmgov/audit';
import { call } from '../walking-skeleton.scenario';

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

/**
 * The five services in this process, each its own Nest app, Kafka client and Postgres schema,
 * with in-memory tracing registered globally (AsyncLocalStorage context, W3C propagator). One
 * chat request carrying the caller's `traceparent` yields one trace: the gateway's request
 * span, thirteen `governance.step` spans, the upstream `chat` CLIENT span with `gen_ai.*`
 * attributes, the Kafka producer span of `request.completed` and the budget ledger's and
 * audit's consumer spans for it.
 */
describe('one trace across services (real Kafka, real Postgres)', () => {
  const topicPrefix = testTopicPrefix();
  const bootstrapKey = newSecret('msh');
  const apps: NestFastifyApplication[] = [];
  const buses: EventBus[] = [];
  const schemas: TestSchema[] = [];
  let tracing: InMemoryTracing;
  let registry: string;
  let gateway: string;

  const runtime = async (
    service: string,
    replica: string,
  ): Promise<ServiceRuntime & { schema: string }> => {
    const bus = new KafkaEventBus({
      brokers: kafkaBrokers(),
      clientId: `${service}-${replica}`,
      topicPrefix,
      logger: silentLogger,
    });
    buses.push(bus);
    const schema = await testSchema(service.replace(/-/g, '_'));
    schemas.push(schema);
    return {
      bus,
      databaseUrl: schema.url,
      schema: schema.name,
      replicaId: replica,
      clock: systemClock,
      jwt: {},
      poolSize: 4,
    };
  };
  const start = async (module: DynamicModule, port?: number): Promise<string> => {
    @Module({ imports: [HealthModule, module] })
    class Root {}
    const app = await createServiceApp(Root, { name: 'test', logger: ['error'] });
    const listenOn = port ?? (await freePort());
    await app.listen(listenOn, '127.0.0.1');
    apps.push(app);
    return `http://127.0.0.1:${listenOn}`;
  };

  beforeAll(async () => {
    tracing = inMemoryTracing();
    const admin = new KafkaEventBus({
      brokers: kafkaBrokers(),
      clientId: 'trace-admin',
      topicPrefix,
      logger: silentLogger,
    });
    await admin.ensureTopics(allTopics);
    await admin.close();
    const approvalPort = await freePort();
    const [r, , , , g] = await Promise.all([
      runtime('policy-registry', 'r1').then((rt) =>
        start(PolicyRegistryModule.forRoot({ ...rt, bootstrapAdminKey: bootstrapKey })),
      ),
      runtime('budget-ledger', 'l1').then((rt) => start(BudgetLedgerModule.forRoot(rt))),
      runtime('audit', 'a1').then((rt) => start(AuditModule.forRoot(rt))),
      runtime('approval-workflow', 'w1').then((rt) =>
        start(ApprovalWorkflowModule.forRoot(rt), approvalPort),
      ),
      runtime('gateway', 'g1').then((rt) =>
        start(
          GatewayModule.forRoot({ ...rt, approvalServiceUrl: `http://127.0.0.1:${approvalPort}` }),
        ),
      ),
    ]);
    registry = r;
    gateway = g;
  }, 60_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    for (const bus of buses) await bus.close();
    for (const schema of schemas) await schema.cleanup();
    await tracing?.shutdown();
  });

  it('POST /v1/chat/completions with a traceparent → one trace: request, 13 governance steps, chat mock/echo, send and the ledger and audit consumers', async () => {
    const org = await call(`${registry}/governance/orgs`, {
      key: bootstrapKey,
      body: { name: 'Trace Inc', plan: 'growth' },
    });
    expect(org.status).toBe(201);
    const admin = (
      await call(`${registry}/governance/keys`, {
        key: bootstrapKey,
        body: { kind: 'admin', role: 'owner', org_id: org.body.data.id },
      })
    ).body.data.key as string;
    const gk = (
      await call(`${registry}/governance/keys`, {
        key: admin,
        body: { kind: 'gateway', name: 'trace-agent' },
      })
    ).body.data.key as string;
    const body = { model: 'mock/echo', messages: [{ role: 'user', content: 'trace me' }] };
    await waitFor(
      async () =>
        expect(
          (await call(`${gateway}/v1/governance/explain`, { key: gk, body })).body.decision,
        ).toBe('allow'),
      { timeoutMs: 20_000, intervalMs: 100 },
    );

    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const res = await fetch(`${gateway}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gk}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const policyVersion = Number(res.headers.get('x-policy-version'));
    await res.text();

    const requestsTopic = `${topicPrefix}gateway.requests.v1`;
    const inTrace = () => tracing.spans().filter((s) => s.spanContext().traceId === traceId);
    // The consumers' spans end last: wait for the ledger's and audit's.
    const consumers = await waitFor(
      () => {
        const found = inTrace().filter(
          (s) => s.name === `process ${requestsTopic}` && s.kind === SpanKind.CONSUMER,
        );
        const groups = found.map((s) => String(s.attributes['messaging.consumer.group.name']));
        expect(groups.some((g) => g.includes('budget-ledger'))).toBe(true);
        expect(groups.some((g) => g.includes('audit'))).toBe(true);
        return found;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const spans = inTrace();

    // The gateway's request span continues the caller's span.
    const request = spans.find((s) => s.name === 'gateway.request');
    expect(request).toBeDefined();
    expect(parentOf(request!)).toBe(callerSpanId);

    // Thirteen chain steps, in order, each with its id, number, verdict and the policy version.
    const steps = spans
      .filter((s) => s.name === 'governance.step')
      .sort(
        (a, b) =>
          Number(a.attributes['governance.step.number']) -
          Number(b.attributes['governance.step.number']),
      );
    expect(steps.map((s) => s.attributes['governance.step.id'])).toEqual([
      'authenticate',
      'request_limits',
      'risk_classification',
      'rate_limit',
      'agent_review',
      'provider_gate',
      'model_access',
      'routing_pool',
      'budget',
      'pii_scan',
      'content_safety',
      'security_scan',
      'hitl_gate',
    ]);
    for (const step of steps) {
      expect(step.attributes['governance.step.verdict']).toBe('allow');
      expect(parentOf(step)).toBe(request!.spanContext().spanId);
    }
    expect(
      steps.slice(1).every((s) => s.attributes['governance.policy.version'] === policyVersion),
    ).toBe(true);

    // The upstream call: a CLIENT span with the GenAI attributes, no prompt text.
    const chat = spans.find((s) => s.name === 'chat echo' || s.name === 'chat mock/echo');
    expect(chat).toBeDefined();
    expect(chat!.kind).toBe(SpanKind.CLIENT);
    expect(parentOf(chat!)).toBe(request!.spanContext().spanId);
    expect(chat!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': expect.any(String),
      'gen_ai.response.model': expect.any(String),
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.usage.output_tokens': expect.any(Number),
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(JSON.stringify(chat!.attributes)).not.toContain('trace me');

    // The producer span of request.completed, under the request; both consumers under it.
    const send = spans.find(
      (s) => s.name === `send ${requestsTopic}` && s.kind === SpanKind.PRODUCER,
    );
    expect(send).toBeDefined();
    for (const consumer of consumers) expect(parentOf(consumer)).toBe(send!.spanContext().spanId);
  });
  // The embedded mode's in-process bus has no lag; on Kafka each consumer group reports it per topic.
  it('the Kafka consumers report messaging_consumer_lag_messages per topic and group (process registry, as /metrics serves it)', async () => {
    const requestsTopic = `${topicPrefix}gateway.requests.v1`;
    const lag = await waitFor(
      async () => {
        const metric = await metricsRegistry()
          .getSingleMetric('messaging_consumer_lag_messages')!
          .get();
        const series = metric.values.filter((v) => v.labels.topic === requestsTopic);
        expect(
          series.map((v) => String(v.labels.group)).some((g) => g.includes('budget-ledger')),
        ).toBe(true);
        expect(series.map((v) => String(v.labels.group)).some((g) => g.includes('audit'))).toBe(
          true,
        );
        return series;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    for (const series of lag) {
      expect(String(series.labels.group).startsWith(topicPrefix)).toBe(true);
      expect(series.value).toBeGreaterThanOrEqual(0);
    }
  });
});
