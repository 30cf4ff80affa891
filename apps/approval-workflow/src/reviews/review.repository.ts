import type { DataSource } from 'typeorm';
import { agentReviewsTopic, type EventOf } from '@llmgov/events';
import { outboxMessage, type EventStore } from '@llmgov/eventstore';
import { storedEvent } from '../persistence/stored-event';
import type { AgentReview, ReviewRule } from './agent-review';

type ReviewRecorded = EventOf<typeof agentReviewsTopic>;

/** Agent reviews (stream per agent, `agent_reviews` read model) and the review rules of each org's active policy. */
export class ReviewRepository {
  private readonly reviews: string;
  private readonly rulesTable: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly store: EventStore,
  ) {
    this.reviews = `"${schema}".agent_reviews`;
    this.rulesTable = `"${schema}".review_rules`;
  }

  /** Appends the review to the agent's stream (and the outbox) and records it, in one transaction. */
  async record(event: ReviewRecorded): Promise<AgentReview> {
    const review: AgentReview = { id: event.id, ...event.data };
    const stream = `agent-review-${event.data.org_id}-${event.data.agent_id}`;
    await this.dataSource.transaction(async (manager) => {
      // Serialises reviews of one agent so the stream's expected version is exact.
      await manager.query('select pg_advisory_xact_lock(hashtext($1))', [stream]);
      const [{ n }] = (await manager.query(
        `select count(*)::int as n from ${this.reviews} where org_id = $1 and agent_id = $2`,
        [review.org_id, review.agent_id],
      )) as Array<{ n: number }>;
      await manager.query(
        `insert into ${this.reviews} (id, org_id, agent_id, reviewed_at, review) values ($1, $2, $3, $4, $5)`,
        [review.id, review.org_id, review.agent_id, review.reviewed_at, JSON.stringify(review)],
      );
      await this.store.append(stream, 'agent_review', n, [storedEvent(event)], {
        outbox: [outboxMessage(agentReviewsTopic, event)],
        manager,
      });
    });
    return review;
  }

  /** Newest first. */
  async list(
    orgId: string,
    agentId: string,
    limit: number,
    offset: number,
  ): Promise<AgentReview[]> {
    const rows: Array<{ review: AgentReview }> = await this.dataSource.query(
      `select review from ${this.reviews} where org_id = $1 and agent_id = $2 order by reviewed_at desc, id desc limit $3 offset $4`,
      [orgId, agentId, limit, offset],
    );
    return rows.map((r) => r.review);
  }

  async last(orgId: string, agentId: string): Promise<AgentReview | null> {
    return (await this.list(orgId, agentId, 1, 0))[0] ?? null;
  }

  async rules(orgId: string): Promise<ReviewRule[]> {
    const rows: Array<{ rules: ReviewRule[] }> = await this.dataSource.query(
      `select rules from ${this.rulesTable} where org_id = $1`,
      [orgId],
    );
    return rows[0]?.rules ?? [];
  }

  /** Keeps the review rules of the newest active policy version; an older or replayed version changes nothing. */
  async setRules(orgId: string, policyVersion: number, rules: ReviewRule[]): Promise<void> {
    await this.dataSource.query(
      `insert into ${this.rulesTable} (org_id, policy_version, rules) values ($1, $2, $3)
       on conflict (org_id) do update set policy_version = excluded.policy_version, rules = excluded.rules
       where ${this.rulesTable}.policy_version < excluded.policy_version`,
      [orgId, policyVersion, JSON.stringify(rules)],
    );
  }
}
