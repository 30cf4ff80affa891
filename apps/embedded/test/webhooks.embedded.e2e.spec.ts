import { useEmbedded } from './harness/embedded';
import { webhookReceiver, type WebhookReceiver } from './harness/webhook-receiver';
import { MAX_ATTEMPTS, OPS_SECRET, runWebhookScenario } from './webhooks.scenario';

describe('alert webhooks — embedded mode (in-process bus, PGlite)', () => {
  let receiver: WebhookReceiver;
  const e = useEmbedded({
    WEBHOOK_SECRET_OPS: OPS_SECRET,
    WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    WEBHOOK_BACKOFF_MS: '50',
  });
  beforeAll(async () => (receiver = await webhookReceiver()));
  afterAll(() => receiver?.close());

  it('a violation reaches a receiver that fails twice then succeeds once, signed; an always-failing one dead-letters; Slack shape; 0 % sampled gets none; budget alerts and approvals waiting delivered', async () => {
    await runWebhookScenario(
      { gateway: e.base, registry: e.base, audit: e.base, ledger: e.base },
      e.bootstrapKey,
      receiver,
    );
  }, 240_000);
});
