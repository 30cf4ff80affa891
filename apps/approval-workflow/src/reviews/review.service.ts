import { randomUUID } from 'node:crypto';
import {
  NotFoundError,
  actorOf,
  type AdminPrincipal,
  type AgentRecord,
  type Clock,
  type TenancyDirectory,
} from '@llmgov/service-kit';
import {
  nextReviewDue,
  requirementFor,
  reviewStatus,
  type AgentReview,
  type ReviewStatus,
} from './agent-review';
import type { ReviewRepository } from './review.repository';
import { SOURCE } from '../approvals/approval.service';

/** Periodic human reviews of agents (`require_human_review`). */
export class ReviewService {
  constructor(
    private readonly repository: ReviewRepository,
    private readonly directory: TenancyDirectory,
    private readonly clock: Clock,
  ) {}

  async record(
    principal: AdminPrincipal,
    agentId: string,
    notes: string | null,
  ): Promise<AgentReview> {
    const agent = this.agent(principal, agentId);
    const now = this.clock.now().toISOString();
    const requirement = requirementFor(await this.repository.rules(agent.org_id), agent);
    return this.repository.record({
      id: randomUUID(),
      type: 'agent.review.recorded',
      source: SOURCE,
      time: now,
      subject: agent.agent_id,
      data: {
        org_id: agent.org_id,
        agent_id: agent.agent_id,
        reviewer: actorOf(principal),
        notes,
        reviewed_at: now,
        next_review_due: nextReviewDue(now, requirement),
      },
    });
  }

  list(
    principal: AdminPrincipal,
    agentId: string,
    limit: number,
    offset: number,
  ): Promise<AgentReview[]> {
    const agent = this.agent(principal, agentId);
    return this.repository.list(agent.org_id, agent.agent_id, limit, offset);
  }

  async status(principal: AdminPrincipal, agentId: string): Promise<ReviewStatus> {
    const agent = this.agent(principal, agentId);
    const [rules, last] = await Promise.all([
      this.repository.rules(agent.org_id),
      this.repository.last(agent.org_id, agent.agent_id),
    ]);
    return reviewStatus(agent, requirementFor(rules, agent), last, this.clock.now());
  }

  /** The agent, if the principal may see it; another org's agent is not found (CONTRACT.md §1). */
  private agent(principal: AdminPrincipal, agentId: string): AgentRecord {
    const agent = this.directory.agents.get(agentId);
    if (!agent || (!principal.platform_owner && agent.org_id !== principal.org_id))
      throw new NotFoundError(`Agent ${agentId} not found`);
    return agent;
  }
}
