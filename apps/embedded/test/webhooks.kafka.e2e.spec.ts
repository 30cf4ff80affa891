import { waitFor } from '@llmgov/testing';
import { chat } from './harness/admin';
import { startDistributed, type Distributed } from './harness/distributed';
import { webhookReceiver, type WebhookReceiver } from './harness/webhook-receiver';
import { MAX_ATTEMPTS, OPS_SECRET, deliveries, runWebhookScenario } from './webhooks.scenario';

describe('alert webhooks — distributed (real Kafka, real Postgres)', () => {
  let env: Distributed;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await webhookReceiver();
    env = await startDistributed({
      auditOptions: {
        webhookSecrets: new Map([['OPS', OPS_SECRET]]),
        webhooks: { maxAttempts: MAX_ATTEMPTS, backoffMs: 50 },
      },
    });
  }, 300_000);
  afterAll(async () => {
    await env?.close();
    await receiver?.close();
  });

  it('delivers once with a verifiable signature after failures, dead-letters, Slack shape; after the audit service restarts, nothing acknowledged is delivered again', async () => {
    const urls = {
      gateway: env.gateways[0]!.url,
      registry: env.registry.url,
      audit: env.audit!.url,
      ledger: env.ledger.url,
    };
    const { org, gk, violationId } = await runWebhookScenario(urls, env.bootstrapKey, receiver);

    await env.audit!.close();
    const audit = await env.startAudit();
    const after = { ...urls, audit: audit.url };
    const refused = await chat(urls.gateway, gk, {
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'card 4111 1111 1111 1111' }],
    });
    expect(refused.status).toBe(403);
    await waitFor(
      async () => {
        const ok = receiver.to('/slack').filter((r) => r.status === 200);
        expect(ok.length).toBe(2);
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    // The first violation was acknowledged before the restart: not delivered again.
    expect(receiver.to('/slack', violationId)).toHaveLength(1);
    expect(receiver.to('/flaky', violationId).filter((r) => r.status === 200)).toHaveLength(1);
    expect(receiver.to('/down', violationId)).toHaveLength(MAX_ATTEMPTS);
    await waitFor(
      async () => expect((await deliveries(after, org, 'dead_letter')).length).toBe(2),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }, 240_000);
});
