import { policyTopic } from '@llmgov/events';
import type { EventBus, Subscription } from '@llmgov/messaging';
import { reviewRulesOf } from '@llmgov/policy-schema';
import type { ReviewRepository } from './review.repository';

/**
 * Keeps the `require_human_review` rules of each org's active policy version, to compute
 * when an agent's next review is due. Idempotent: only a newer active version replaces them.
 */
export class ReviewRulesConsumer {
  private subscription?: Subscription;

  constructor(
    private readonly bus: EventBus,
    private readonly reviews: ReviewRepository,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      topic: policyTopic,
      group: 'approval-workflow.review-rules',
      fromBeginning: true,
      handler: async (event) => {
        if (event.type !== 'policy.published' || event.data.status !== 'active') return;
        await this.reviews.setRules(
          event.data.org_id,
          event.data.policy_version,
          reviewRulesOf(event.data.document.rules),
        );
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }
}
