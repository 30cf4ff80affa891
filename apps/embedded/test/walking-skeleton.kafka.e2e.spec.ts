import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { useInMemoryTracing } from '@llmgov/telemetry';
import { kafkaBrokers, waitFor } from '@llmgov/testing';
import { startDistributed, type Distributed } from './harness/distributed';
import { runWalkingSkeleton, type ServiceUrls } from './walking-skeleton.scenario';

/**
 * The same walking skeleton with every service its own Nest app on its own port, its own
 * Kafka client and its own Postgres schema: real Kafka, real Postgres, nothing shared but
 * the broker and the database server — as in the distributed deployment.
 */
describe('walking skeleton — distributed (real Kafka, real Postgres)', () => {
  let cluster: Distributed;
  let urls: ServiceUrls;
  let outsider: Consumer;
  const violations: { headers: Record<string, string>; key: string; value: any }[] = [];
  // Tracing on, as a deployment with OTEL_* set: events then carry the W3C traceparent.
  useInMemoryTracing();

  beforeAll(async () => {
    cluster = await startDistributed();

    // An outside service subscribes to policy.violated with a plain kafkajs consumer.
    const kafka = new Kafka({
      clientId: 'outside-subscriber',
      brokers: kafkaBrokers(),
      logLevel: logLevel.NOTHING,
    });
    outsider = kafka.consumer({
      groupId: `${cluster.topicPrefix}outside-siem`,
      maxWaitTimeInMs: 200,
    });
    await outsider.connect();
    await outsider.subscribe({
      topic: `${cluster.topicPrefix}policy.violated`,
      fromBeginning: true,
    });
    await outsider.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        violations.push({
          headers,
          key: String(message.key),
          value: JSON.parse(String(message.value)),
        });
      },
    });

    urls = {
      gateway: cluster.gateways[0]!.url,
      registry: cluster.registry.url,
      ledger: cluster.ledger.url,
      audit: cluster.audit!.url,
    };
  }, 300_000);

  afterAll(async () => {
    await outsider?.disconnect();
    await cluster?.close();
  });

  it('org → key → model_allowlist policy → 403 at the gateway → audit and ledger see the events', async () => {
    const result = await runWalkingSkeleton(urls, cluster.bootstrapKey);

    // The outside subscriber received the violation with the CONTRACT.md fields, no prompt text.
    const violation = await waitFor(
      () => {
        const found = violations.find(
          (v) =>
            v.headers.ce_subject === result.refusal.body.request_id ||
            v.value.request_id === result.refusal.body.request_id,
        );
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
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
