import {
  budgetsOf,
  countersFor,
  counterKey,
  microToUsd,
  periodStart,
  type BudgetLimit,
  type BudgetSnapshot,
} from '@llmgov/budget';
import type { PolicyDocument } from '@llmgov/policy-schema';
import type { DataSource } from 'typeorm';
import { checkedSchema } from '@llmgov/eventstore';
import type { SpendDimension } from '../spend/spend-rows';

export interface SpendQuery {
  group_by: SpendDimension;
  period: 'day' | 'month';
  from: Date;
  to: Date;
}

const SESSION_WINDOW_MS = 7 * 86_400_000;
const RECENT_COMPLETED_MS = 15 * 60_000;

/** Reads of the ledger's projections: spend, budget status, the gateway snapshot. */
export class LedgerReader {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.s = `"${checkedSchema(schema)}"`;
  }

  /** Spend of an org grouped by one dimension, per period start in [from, to]. */
  async spend(org_id: string, q: SpendQuery) {
    const rows: {
      dimension_id: string;
      period_start: Date;
      spent_micro_usd: string;
      requests: string;
    }[] = await this.dataSource.query(
      `select dimension_id, period_start, spent_micro_usd, requests from ${this.s}.spend
       where org_id = $1 and dimension = $2 and period = $3 and period_start >= $4 and period_start <= $5
       order by period_start desc, spent_micro_usd desc, dimension_id`,
      [org_id, q.group_by, q.period, periodStart(q.period, q.from), q.to],
    );
    return rows.map((r) => ({
      group_by: q.group_by,
      id: r.dimension_id,
      period: q.period,
      period_start: new Date(r.period_start).toISOString(),
      spent_usd: microToUsd(Number(r.spent_micro_usd)),
      spent_micro_usd: Number(r.spent_micro_usd),
      requests: Number(r.requests),
    }));
  }

  /**
   * Every budget of the org's active policy with its spend, open reservations and what is left,
   * now. The default end-user budget answers once as a template (`scope_id: "*"`, nothing
   * spent) and once per end user who spent today (at most 1000, biggest first).
   */
  async status(org_id: string, now: Date) {
    const document = await this.documentOf(org_id);
    if (!document) return [];
    const reservedBy = await this.reservedByCounter(org_id, now);
    const budgets = budgetsOf(document, now);
    const out: ReturnType<typeof statusRow>[] = [];
    for (const limit of budgets) {
      if (limit.scope === 'session') {
        const sessions: { dimension_id: string; spent_micro_usd: string }[] =
          await this.dataSource.query(
            `select dimension_id, spent_micro_usd from ${this.s}.spend where org_id = $1 and dimension = 'session' and updated_at > $2 order by updated_at desc limit 1000`,
            [org_id, new Date(now.getTime() - SESSION_WINDOW_MS)],
          );
        for (const s of sessions) {
          const l: BudgetLimit = {
            ...limit,
            scope_id: s.dimension_id,
            label: `runner session ${s.dimension_id} budget`,
          };
          out.push(statusRow(l, Number(s.spent_micro_usd), reservedBy.get(counterKey(l)) ?? 0));
        }
        continue;
      }
      if (limit.scope === 'user' && limit.scope_id === '*') {
        // The default end-user budget: one row per end user who spent today (overrides have their own).
        const overrides = document.settings.user_budgets?.overrides ?? {};
        const users: { dimension_id: string; spent_micro_usd: string }[] =
          await this.dataSource.query(
            `select dimension_id, spent_micro_usd from ${this.s}.spend where org_id = $1 and dimension = 'user' and period = 'day' and period_start = $2 order by spent_micro_usd desc, dimension_id limit 1000`,
            [org_id, limit.period_start],
          );
        out.push(statusRow({ ...limit, label: 'default daily budget per end user' }, 0, 0));
        for (const u of users) {
          if (u.dimension_id in overrides) continue;
          const l: BudgetLimit = {
            ...limit,
            scope_id: u.dimension_id,
            label: `user ${u.dimension_id} daily budget`,
          };
          out.push(statusRow(l, Number(u.spent_micro_usd), reservedBy.get(counterKey(l)) ?? 0));
        }
        continue;
      }
      const rows: { spent_micro_usd: string }[] = await this.dataSource.query(
        `select spent_micro_usd from ${this.s}.spend where org_id = $1 and dimension = $2 and dimension_id = $3 and period = $4 and period_start = $5`,
        [org_id, limit.scope, limit.scope_id, limit.period, limit.period_start],
      );
      out.push(
        statusRow(
          limit,
          Number(rows[0]?.spent_micro_usd ?? 0),
          reservedBy.get(counterKey(limit)) ?? 0,
        ),
      );
    }
    return out;
  }

  /** What a gateway replica loads at start (docs/budgets.md "Restart"). */
  async snapshot(now: Date): Promise<BudgetSnapshot> {
    const positions: { topic: string; partition: number; next_offset: string; event_time: Date }[] =
      await this.dataSource.query(
        `select topic, partition, next_offset, event_time from ${this.s}.positions order by topic, partition`,
      );
    const counters: {
      org_id: string;
      dimension: string;
      dimension_id: string;
      period: string;
      period_start: Date;
      spent_micro_usd: string;
    }[] = await this.dataSource.query(
      `select org_id, dimension, dimension_id, period, period_start, spent_micro_usd from ${this.s}.spend
       where (period = 'day' and period_start = $1) or (period = 'month' and period_start = $2) or (period = 'session' and updated_at > $3)`,
      [
        periodStart('day', now),
        periodStart('month', now),
        new Date(now.getTime() - SESSION_WINDOW_MS),
      ],
    );
    const reservations = await this.openReservations(null, now);
    const completed: { request_id: string }[] = await this.dataSource.query(
      `select request_id from ${this.s}.completed_requests where recorded_at > $1`,
      [new Date(now.getTime() - RECENT_COMPLETED_MS)],
    );
    const times = positions.map((p) => new Date(p.event_time).getTime());
    return {
      as_of: times.length ? new Date(Math.max(...times)).toISOString() : null,
      generated_at: now.toISOString(),
      positions: positions.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        next_offset: String(p.next_offset),
      })),
      counters: counters
        .filter((c) => ['org', 'team', 'key', 'agent', 'user', 'session'].includes(c.dimension))
        .map((c) => ({
          org_id: c.org_id,
          scope: c.dimension as BudgetLimit['scope'],
          scope_id: c.dimension_id,
          period: c.period as BudgetLimit['period'],
          period_start: new Date(c.period_start).toISOString(),
          spent_micro_usd: Number(c.spent_micro_usd),
        })),
      reservations,
      recent_completed_request_ids: completed.map((c) => c.request_id),
    };
  }

  /** Open (unexpired) reservations, of one org or all. */
  async openReservations(
    org_id: string | null,
    now: Date,
  ): Promise<BudgetSnapshot['reservations']> {
    const rows: {
      request_id: string;
      org_id: string;
      team_id: string | null;
      key_id: string;
      agent_id: string | null;
      session_id: string | null;
      end_user: string | null;
      amount_micro_usd: string;
      admitted_at: Date;
      expires_at: Date;
      replica_id: string;
    }[] = await this.dataSource.query(
      `select * from ${this.s}.reservations where expires_at > $1 and ($2::text is null or org_id = $2) order by admitted_at`,
      [now, org_id],
    );
    return rows.map((r) => ({
      request_id: r.request_id,
      org_id: r.org_id,
      team_id: r.team_id,
      key_id: r.key_id,
      agent_id: r.agent_id,
      session_id: r.session_id,
      end_user: r.end_user,
      amount_micro_usd: Number(r.amount_micro_usd),
      admitted_at: new Date(r.admitted_at).toISOString(),
      expires_at: new Date(r.expires_at).toISOString(),
      replica_id: r.replica_id,
    }));
  }

  /** Settled spend of every counter of an org in the current periods (tests, bench). */
  async totalSpent(
    org_id: string,
    dimension: SpendDimension,
    period: 'day' | 'month' | 'session',
  ): Promise<number> {
    const rows: { total: string | null }[] = await this.dataSource.query(
      `select sum(spent_micro_usd) as total from ${this.s}.spend where org_id = $1 and dimension = $2 and period = $3`,
      [org_id, dimension, period],
    );
    return Number(rows[0]?.total ?? 0);
  }

  private async reservedByCounter(org_id: string, now: Date): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const r of await this.openReservations(org_id, now)) {
      for (const c of countersFor(r, new Date(r.admitted_at)))
        out.set(counterKey(c), (out.get(counterKey(c)) ?? 0) + r.amount_micro_usd);
    }
    return out;
  }

  private async documentOf(org_id: string): Promise<PolicyDocument | null> {
    const rows: { document: PolicyDocument }[] = await this.dataSource.query(
      `select document from ${this.s}.org_policies where org_id = $1`,
      [org_id],
    );
    return rows[0]?.document ?? null;
  }
}

function statusRow(limit: BudgetLimit, spent: number, reserved: number) {
  const remaining = Math.max(0, limit.limit_micro_usd - spent);
  return {
    scope: limit.scope,
    scope_id: limit.scope_id,
    code: limit.code,
    policy_id: limit.policy_id,
    label: limit.label,
    period: limit.period,
    period_start: limit.period === 'session' ? null : limit.period_start,
    limit_usd: microToUsd(limit.limit_micro_usd),
    spent_usd: microToUsd(spent),
    remaining_usd: microToUsd(remaining),
    limit_micro_usd: limit.limit_micro_usd,
    spent_micro_usd: spent,
    reserved_micro_usd: reserved,
    remaining_micro_usd: remaining,
  };
}
