import { verifyWebhook } from '@llmgov/audit';
import { waitFor } from '@llmgov/testing';
import { OrgAdmin, admin, chat } from './harness/admin';
import type { WebhookReceiver } from './harness/webhook-receiver';

export interface WebhookUrls {
  gateway: string;
  registry: string;
  audit: string;
  ledger: string;
}

/** The secret `WEBHOOK_SECRET_OPS` the services under test are given. */
export const OPS_SECRET = 'whsec_test_0123456789abcdef';
/** Tries before the dead letter in these tests (WEBHOOK_MAX_ATTEMPTS). */
export const MAX_ATTEMPTS = 3;

const CARD = 'my card is 4111 1111 1111 1111';
const wait = { timeoutMs: 60_000, intervalMs: 100 };

export interface WebhookScenario {
  org: OrgAdmin;
  gk: string;
  /** The `policy.violated` event id delivered to /flaky. */
  violationId: string;
}

interface Delivery {
  event_id: string;
  event_type: string;
  destination_id: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

export const deliveries = (urls: WebhookUrls, org: OrgAdmin, status = '') =>
  admin<Delivery[]>(
    `${urls.audit}/audit/webhooks/deliveries${status ? `?status=${status}` : ''}`,
    org.org.ownerKey,
  );

/**
 * Alert webhooks (issue 15 item 5) through the product: an org configures four destinations
 * on a local receiver; a refused request (policy.violated) goes to a receiver that fails
 * twice and then answers 200 — delivered once, every try signed and verifiable, the same
 * event id each time; to one that always fails — a dead letter after the last try; in the
 * Slack shape to a third; and not at all to a destination sampling 0 % of violations. A
 * budget alert reaches the destination subscribed to budgets.
 */
export async function runWebhookScenario(
  urls: WebhookUrls,
  bootstrapKey: string,
  receiver: WebhookReceiver,
): Promise<WebhookScenario> {
  receiver.failFirst('/flaky', 2);
  receiver.alwaysFail('/down');
  const org = await OrgAdmin.create(urls.registry, bootstrapKey, { name: 'Hooks Inc' });
  const gk = (await org.key({ kind: 'gateway', name: 'app' })).key;
  const hook = (id: string, path: string, events: string[], extra = {}) => ({
    id,
    url: `${receiver.url}${path}`,
    secret_name: 'OPS',
    events,
    ...extra,
  });
  await org.settings({
    alert_webhooks: [
      hook('ops', '/flaky', ['policy_violation', 'budget', 'approval']),
      hook('dead', '/down', ['policy_violation']),
      hook('chat', '/slack', ['policy_violation'], { format: 'slack' }),
      hook('sampled', '/never', ['policy_violation'], { violation_sample_rate: 0 }),
    ],
  });
  await org.untilEnforced([urls.gateway], gk);
  await waitFor(async () => {
    const known = await admin<Array<{ id: string; secret_configured: boolean }>>(
      `${urls.audit}/audit/webhooks`,
      org.org.ownerKey,
    );
    expect(known.map((d) => d.id).sort()).toEqual(['chat', 'dead', 'ops', 'sampled']);
    expect(known.every((d) => d.secret_configured)).toBe(true);
  }, wait);

  const refused = await chat(urls.gateway, gk, {
    model: 'mock/echo',
    messages: [{ role: 'user', content: CARD }],
  });
  expect(refused.status).toBe(403);

  // /flaky: 500, 500, then 200 — delivered once, each try signed, one event id.
  const violation = await waitFor(async () => {
    const ok = receiver.to('/flaky').filter((r) => r.status === 200);
    expect(ok.map((r) => r.headers['x-gateway-event-type'])).toContain('policy.violated');
    return ok.find((r) => r.headers['x-gateway-event-type'] === 'policy.violated')!;
  }, wait);
  const violationId = String(violation.headers['x-gateway-event-id']);
  const tries = receiver.to('/flaky', violationId);
  expect(tries.map((r) => r.status)).toEqual([500, 500, 200]);
  const now = Math.floor(Date.now() / 1000);
  for (const t of tries) {
    expect(verifyWebhook(OPS_SECRET, t.body, String(t.headers['x-gateway-signature']), now)).toBe(
      true,
    );
    expect(verifyWebhook('wrong', t.body, String(t.headers['x-gateway-signature']), now)).toBe(
      false,
    );
  }
  expect(JSON.parse(violation.body)).toMatchObject({
    id: violationId,
    type: 'policy.violated',
    kind: 'policy_violation',
    org_id: org.orgId,
    data: { code: 'pii_detected', step: 'pii_scan', org_id: org.orgId },
  });
  expect(violation.body).not.toContain('4111');
  for (const r of receiver.received) expect(r.body).not.toContain(OPS_SECRET);
  expect(JSON.stringify(await deliveries(urls, org))).not.toContain(OPS_SECRET);

  // /down: every try fails → a dead letter after MAX_ATTEMPTS tries.
  await waitFor(async () => {
    const dead = await deliveries(urls, org, 'dead_letter');
    expect(dead).toEqual([
      expect.objectContaining({
        event_id: violationId,
        destination_id: 'dead',
        attempts: MAX_ATTEMPTS,
        last_error: 'HTTP 503',
      }),
    ]);
  }, wait);
  expect(receiver.to('/down', violationId)).toHaveLength(MAX_ATTEMPTS);

  // /slack: a Slack incoming-webhook message.
  const slack = await waitFor(async () => {
    const got = receiver.to('/slack', violationId);
    expect(got).toHaveLength(1);
    return JSON.parse(got[0]!.body);
  }, wait);
  expect(slack).toEqual({
    text: expect.stringContaining('Policy violation: pii_detected at step pii_scan'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: slack.text } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: expect.stringContaining(violationId) }],
      },
    ],
  });

  // A budget alert: one request of ~30 micro-USD passes 50 % of a $0.00005 daily budget.
  await org.settings({ daily_budget_usd: 0.00005 });
  await org.untilEnforced([urls.gateway], gk);
  // The ledger judges alerts by the version it knows: wait until it knows this one.
  await waitFor(async () => {
    const status = await admin<Array<{ scope: string; limit_micro_usd: number }>>(
      `${urls.ledger}/budgets/status`,
      org.org.ownerKey,
    );
    expect(status.find((b) => b.scope === 'org')?.limit_micro_usd).toBe(50);
  }, wait);
  const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
  const spent = await chat(urls.gateway, gk, {
    model: 'mock/echo',
    max_tokens: 64,
    messages: [{ role: 'user', content: words }],
  });
  expect(spent.status).toBe(200);
  await waitFor(async () => {
    const types = receiver
      .to('/flaky')
      .filter((r) => r.status === 200)
      .map((r) => r.headers['x-gateway-event-type']);
    expect(types).toContain('budget.threshold_reached');
  }, wait);

  // An approval waiting: a require_approval rule holds the next request (202).
  await org.settings({ daily_budget_usd: 10 });
  await org.rule('require_approval', { models: ['mock/echo'] });
  await org.untilEnforced([urls.gateway], gk);
  const held = await chat(urls.gateway, gk, {
    model: 'mock/echo',
    max_tokens: 16,
    messages: [{ role: 'user', content: 'hold me' }],
  });
  expect(held.status).toBe(202);
  const approval = await waitFor(async () => {
    const got = receiver
      .to('/flaky')
      .find((r) => r.status === 200 && r.headers['x-gateway-event-type'] === 'approval.requested');
    expect(got).toBeDefined();
    return JSON.parse(got!.body);
  }, wait);
  expect(approval).toMatchObject({
    kind: 'approval',
    data: { approval_id: held.body.approval_id, org_id: org.orgId },
  });

  expect(receiver.to('/never')).toEqual([]);
  const delivered = await deliveries(urls, org, 'delivered');
  expect(
    delivered
      .filter((d) => d.event_id === violationId)
      .map((d) => d.destination_id)
      .sort(),
  ).toEqual(['chat', 'ops']);
  return { org, gk, violationId };
}
