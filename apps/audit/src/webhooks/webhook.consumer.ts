import {
  approvalsTopic,
  budgetTopic,
  policyTopic,
  policyViolatedTopic,
  type EnvelopeBase,
  type TopicDescriptor,
} from '@llmgov/events';
import type { EventBus, Subscription } from '@llmgov/messaging';
import { alertWebhook } from '@llmgov/policy-schema';
import { z } from 'zod';
import { webhookBody } from './webhook-payload';
import { destinationsFor, orgOf, webhookKindOf } from './webhook-routing';
import type { WebhookStore } from './webhook.store';

/** The consumer group of the webhook enqueuer on a topic (its own: never slows the audit log). */
export const webhookGroup = (topic: TopicDescriptor): string => `audit.webhooks.${topic.name}`;

const activeWebhooks = z.object({
  org_id: z.string(),
  status: z.literal('active'),
  policy_version: z.number().int(),
  document: z.object({
    settings: z.object({ alert_webhooks: z.array(alertWebhook).optional() }).loose(),
  }),
});

/**
 * Turns events into webhook deliveries: learns each org's destinations from its active
 * `policy.published`, and enqueues one delivery per matching destination for budget alerts,
 * policy violations, approvals waiting and compliance remediations. The enqueue commits
 * before the offset, so every event is enqueued at least once, and once only (keyed by
 * event id and destination). Delivery itself is the `WebhookDeliverer`'s.
 */
export class WebhookConsumer {
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly store: WebhookStore,
    private readonly now: () => Date,
  ) {}

  async start(): Promise<void> {
    const topics = [policyTopic, budgetTopic, policyViolatedTopic, approvalsTopic];
    await this.bus.ensureTopics(topics);
    this.subscriptions = await Promise.all(
      topics.map((topic) =>
        this.bus.subscribe({
          topic,
          group: webhookGroup(topic),
          // The destinations come from the whole policy history; alerts from now on (a new
          // deployment does not page anyone about last month's budgets).
          fromBeginning: topic === policyTopic,
          maxAttempts: Infinity,
          handler: async (event) => this.handle(event),
        }),
      ),
    );
  }

  async handle(event: EnvelopeBase): Promise<void> {
    if (event.type === 'policy.published') {
      const active = activeWebhooks.safeParse(event.data);
      if (active.success)
        await this.store.setDestinations(
          active.data.org_id,
          active.data.policy_version,
          active.data.document.settings.alert_webhooks ?? [],
        );
      return;
    }
    if (!webhookKindOf(event.type)) return;
    const org = orgOf(event);
    if (!org) return;
    const targets = destinationsFor(event, await this.store.destinations(org));
    await this.store.enqueue(
      targets.map((d) => ({
        event_id: event.id,
        destination_id: d.id,
        org_id: org,
        event_type: event.type,
        url: d.url,
        secret_name: d.secret_name,
        body: webhookBody(event, org, d.format),
      })),
      this.now(),
    );
  }

  get running(): boolean {
    return this.subscriptions.length === 4;
  }

  async stop(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((s) => s.close()));
  }
}
