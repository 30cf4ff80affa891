import type { EventOf, agentReviewsTopic } from '@llmgov/events';
import type { AgentReviewView } from '@llmgov/chain';

/** Last human review of each agent, from `agent.review.recorded`. */
export class AgentReviews implements AgentReviewView {
  private readonly last = new Map<string, string>();

  apply(event: EventOf<typeof agentReviewsTopic>): void {
    const { agent_id, reviewed_at } = event.data;
    const prev = this.last.get(agent_id);
    if (!prev || Date.parse(prev) < Date.parse(reviewed_at)) this.last.set(agent_id, reviewed_at);
  }

  lastReviewedAt(agentId: string): string | undefined {
    return this.last.get(agentId);
  }
}
