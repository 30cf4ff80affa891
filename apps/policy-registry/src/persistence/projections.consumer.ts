import { agentReviewsTopic, requestsTopic, type EventOf } from '@llmgov/events';
import { INGEST_BATCH_WINDOW_MS, type EventBus, type Subscription } from '@llmgov/messaging';
import type { DecisionInput } from '../domain/simulate';
import type { ProjectionsRepository } from './projections.repository';

type RequestCompletedEvent = Extract<EventOf<typeof requestsTopic>, { type: 'request.completed' }>;

const REVIEWS = 'policy-registry.agent-reviews';
const REQUESTS = 'policy-registry.decision-inputs';

/** Feeds the registry's read models: `agent.review.recorded` and `request.completed` (its fields, never text). */
export class ProjectionsConsumer {
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly repo: ProjectionsRepository,
  ) {}

  async start(): Promise<void> {
    await this.bus.ensureTopics([agentReviewsTopic, requestsTopic]);
    const reviews = await this.bus.subscribe({
      topic: agentReviewsTopic,
      group: REVIEWS,
      handler: async (event) => void (await this.repo.recordReview(REVIEWS, event.id, event.data)),
    });
    const requests = await this.bus.subscribe({
      topic: requestsTopic,
      group: REQUESTS,
      batchWindowMs: INGEST_BATCH_WINDOW_MS,
      handler: async (event) => {
        if (event.type === 'request.completed')
          await this.repo.recordInput(REQUESTS, event.id, decisionInput(event.data));
      },
      // Taken in batches, one transaction each: keeps up with the gateway (issue 17 item 8).
      batchHandler: async (items) => {
        const inputs = items.flatMap(({ event }) =>
          event.type === 'request.completed'
            ? [{ eventId: event.id, input: decisionInput(event.data) }]
            : [],
        );
        if (inputs.length > 0) await this.repo.recordInputs(REQUESTS, inputs);
      },
    });
    this.subscriptions = [reviews, requests];
  }

  async stop(): Promise<void> {
    const subs = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subs.map((s) => s.close()));
  }
}

/** What the registry keeps of a completed request (its fields, never text). */
function decisionInput(d: RequestCompletedEvent['data']): DecisionInput {
  return {
    request_id: d.request_id,
    org_id: d.org_id,
    team_id: d.team_id,
    key_id: d.key_id,
    agent_id: d.agent_id,
    session_id: d.session_id,
    end_user: d.end_user ?? null,
    environment: d.environment,
    model: d.model,
    provider: d.provider,
    cost_micro_usd: d.cost_micro_usd,
    reserved_micro_usd: d.reserved_micro_usd,
    completed_at: d.completed_at,
    tags: d.tags,
    usage: d.usage,
    outcome: d.outcome,
    policy_version: d.policy_version,
    decision: d.decision.map(({ step, verdict, code, policy_id }) => ({
      step,
      verdict,
      code,
      policy_id,
    })),
  };
}
