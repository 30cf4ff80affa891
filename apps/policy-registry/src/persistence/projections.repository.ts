import type { DataSource, EntityManager } from 'typeorm';
import { Inbox } from '@llmgov/eventstore';
import type { DecisionInput } from '../domain/simulate';
import { checkedSchema } from '@llmgov/eventstore';

/** Inputs kept per org for shadow evaluation (the newest; older ones are pruned). */
export const DECISION_INPUTS_PER_ORG = 10_000;
/** Pruning runs every this many inserts, so an org holds at most N + PRUNE_EVERY rows between prunes. */
const PRUNE_EVERY = 32;

/**
 * The registry's read models fed by other services' events, idempotent by event id (Inbox):
 * each agent's last review, and recent decision inputs per org.
 */
export class ProjectionsRepository {
  private readonly inbox: Inbox;
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly perOrg = DECISION_INPUTS_PER_ORG,
  ) {
    this.s = `"${checkedSchema(schema)}"`;
    this.inbox = new Inbox(dataSource, schema);
  }

  /** Keeps the newest review per agent (a replayed or older review changes nothing). */
  recordReview(
    consumer: string,
    eventId: string,
    review: { org_id: string; agent_id: string; reviewed_at: string },
  ): Promise<boolean> {
    return this.inbox.handleOnce(consumer, eventId, async (m) => {
      await m.query(
        `insert into ${this.s}.agent_reviews (org_id, agent_id, last_reviewed_at) values ($1, $2, $3)
         on conflict (org_id, agent_id) do update set last_reviewed_at = greatest(${this.s}.agent_reviews.last_reviewed_at, excluded.last_reviewed_at)`,
        [review.org_id, review.agent_id, review.reviewed_at],
      );
    });
  }

  async lastReviews(orgId: string): Promise<Map<string, string>> {
    const rows: Array<{ agent_id: string; last_reviewed_at: Date }> = await this.dataSource.query(
      `select agent_id, last_reviewed_at from ${this.s}.agent_reviews where org_id = $1`,
      [orgId],
    );
    return new Map(rows.map((r) => [r.agent_id, new Date(r.last_reviewed_at).toISOString()]));
  }

  /**
   * Of the org's answered requests among the recorded ones (the newest N; refusals never reach a
   * model), how many name their model and provider: a compliance fact (Art. 13).
   */
  async requestFacts(
    orgId: string,
  ): Promise<{ recorded: number; with_model_and_provider: number }> {
    const [row]: Array<{ recorded: string; named: string }> = await this.dataSource.query(
      `select count(*) as recorded, count(*) filter (where coalesce(input->>'model', '') <> '' and coalesce(input->>'provider', '') <> '') as named
       from ${this.s}.decision_inputs where org_id = $1 and input->>'outcome' in ('forwarded', 'cut')`,
      [orgId],
    );
    return { recorded: Number(row.recorded), with_model_and_provider: Number(row.named) };
  }

  /** Records one request's decision inputs; every PRUNE_EVERY rows, drops the org's rows past the newest N. */
  recordInput(consumer: string, eventId: string, input: DecisionInput): Promise<boolean> {
    return this.inbox.handleOnce(consumer, eventId, async (m) => {
      const rows = (await m.query(
        `insert into ${this.s}.decision_inputs (org_id, request_id, completed_at, input) values ($1, $2, $3, $4) on conflict (org_id, request_id) do nothing returning seq`,
        [input.org_id, input.request_id, input.completed_at, JSON.stringify(input)],
      )) as Array<{ seq: string }>;
      if (rows.length > 0 && Number(rows[0].seq) % PRUNE_EVERY === 0)
        await this.prune(m, input.org_id);
    });
  }

  private async prune(m: EntityManager, orgId: string): Promise<void> {
    await m.query(
      `delete from ${this.s}.decision_inputs where org_id = $1 and seq <= (select seq from ${this.s}.decision_inputs where org_id = $1 order by seq desc offset $2 limit 1)`,
      [orgId, this.perOrg],
    );
  }

  /** The batch form of `recordInput`: many requests in one transaction and one insert. */
  async recordInputs(
    consumer: string,
    items: readonly { eventId: string; input: DecisionInput }[],
  ): Promise<void> {
    await this.inbox.handleBatchOnce(
      consumer,
      items.map((i) => i.eventId),
      async (m, fresh) => {
        const todo = new Set(fresh);
        const inputs = items.filter((i) => todo.delete(i.eventId)).map((i) => i.input);
        const rows = (await m.query(
          `insert into ${this.s}.decision_inputs (org_id, request_id, completed_at, input)
         select org_id, request_id, completed_at, input from unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[]) as u(org_id, request_id, completed_at, input)
         on conflict (org_id, request_id) do nothing returning org_id, seq`,
          [
            inputs.map((i) => i.org_id),
            inputs.map((i) => i.request_id),
            inputs.map((i) => i.completed_at),
            inputs.map((i) => JSON.stringify(i)),
          ],
        )) as Array<{ org_id: string; seq: string }>;
        const due = new Set(
          rows.filter((r) => Number(r.seq) % PRUNE_EVERY === 0).map((r) => r.org_id),
        );
        for (const orgId of due) await this.prune(m, orgId);
      },
    );
  }

  /**
   * The org's newest N inputs (by arrival), in the order they completed: the order budgets
   * accumulate in (a Kafka consumer sees partitions interleaved, not in completion order).
   */
  async recentInputs(orgId: string): Promise<DecisionInput[]> {
    const rows: Array<{ input: DecisionInput }> = await this.dataSource.query(
      `select input from (select seq, completed_at, input from ${this.s}.decision_inputs where org_id = $1 order by seq desc limit $2) newest order by completed_at, seq`,
      [orgId, this.perOrg],
    );
    return rows.map((r) => r.input);
  }
}
