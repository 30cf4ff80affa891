import {
  budgetLimitsFor,
  counterKey,
  type BudgetLimit,
  type RequestAdmittedEvent,
  type RequestCompletedEvent,
} from '@llmgov/budget';
import { budgetTopic, policyTopic, type EventOf } from '@llmgov/events';
import { outboxMessage, type EventStore, type Inbox } from '@llmgov/eventstore';
import { policyDocument, type PolicyDocument } from '@llmgov/policy-schema';
import type { DataSource, EntityManager } from 'typeorm';
import { alertEvent, reachedAlerts, type AlertKind } from '../budgets/budget-alerts.decide';
import { checkedSchema } from '@llmgov/eventstore';
import { spendRowsFor } from '../spend/spend-rows';
import { spendKey, sumSpendRows } from '../spend/spend-batch';

/** Where an event came from: the projection records it so the snapshot can say what it reflects. */
export interface EventPosition {
  topic: string;
  partition: number;
  offset: string;
}

type PolicyEvent = EventOf<typeof policyTopic>;
type Alert = { limit: BudgetLimit; kind: AlertKind; spent: number; request_id: string };

const budgetId = (limit: BudgetLimit): string =>
  `${limit.org_id}|${limit.code}|${limit.scope}|${limit.scope_id}|${limit.period}|${limit.policy_id ?? ''}`;
const alertKey = (budget: string, periodStart: string | Date, kind: AlertKind | string): string =>
  `${budget}|${new Date(periodStart).toISOString()}|${String(kind)}`;
type RequestEvent = RequestAdmittedEvent | RequestCompletedEvent;
export type LedgerEvent = RequestEvent | PolicyEvent;

/** One event of a batch and where it came from (null: no position is tracked for its topic). */
export interface LedgerItem {
  event: LedgerEvent;
  position: EventPosition | null;
}

/**
 * Folds events into the ledger's projections. Each batch of events is one transaction: the
 * inbox rows (event ids), the projection changes, the alerts they trigger (outbox) and the
 * stream positions commit together, so a redelivered event or a crash between steps can
 * neither double-count nor lose anything. Within a batch, reservations are inserted in one
 * statement, completions recorded in one, and spend upserted once per counter (issue 17
 * item 8: one transaction per event held ingest at 100–250 events/s).
 */
export class LedgerWriter {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly inbox: Inbox,
    private readonly store: EventStore,
    private readonly now: () => Date,
    private readonly newEventId: () => string,
  ) {
    this.s = `"${checkedSchema(schema)}"`;
  }

  /** Applies one event once per consumer; answers false when it had been applied before. */
  async handle(
    consumer: string,
    event: LedgerEvent,
    position: EventPosition | null,
  ): Promise<boolean> {
    return (await this.handleBatch(consumer, [{ event, position }])) > 0;
  }

  /**
   * Applies a batch of events (in order) once per consumer, in one transaction; answers how
   * many had not been applied before.
   */
  async handleBatch(consumer: string, items: readonly LedgerItem[]): Promise<number> {
    const fresh = await this.inbox.handleBatchOnce(
      consumer,
      items.map((i) => i.event.id),
      async (m, ids) => {
        const todo = new Set(ids);
        const events = items.filter((i) => todo.delete(i.event.id)).map((i) => i.event);
        await this.applyAll(m, events);
        await this.savePositions(
          m,
          items.filter((i) => ids.has(i.event.id)),
        );
      },
    );
    return fresh.size;
  }

  private async savePositions(m: EntityManager, items: readonly LedgerItem[]): Promise<void> {
    const last = new Map<string, { position: EventPosition; time: string }>();
    for (const { event, position } of items) {
      if (!position) continue;
      const key = `${position.topic}\u0000${position.partition}`;
      const seen = last.get(key);
      if (!seen || BigInt(seen.position.offset) < BigInt(position.offset))
        last.set(key, { position, time: seen && seen.time > event.time ? seen.time : event.time });
    }
    for (const { position, time } of last.values()) {
      await m.query(
        `insert into ${this.s}.positions (topic, partition, next_offset, event_time) values ($1, $2, $3, $4)
         on conflict (topic, partition) do update
         set next_offset = greatest(positions.next_offset, excluded.next_offset),
             event_time = greatest(positions.event_time, excluded.event_time)`,
        [position.topic, position.partition, BigInt(position.offset) + 1n, time],
      );
    }
  }

  /** Policy events in order; a batch's admissions, then its completions, each in bulk. */
  private async applyAll(m: EntityManager, events: readonly LedgerEvent[]): Promise<void> {
    const admitted: RequestAdmittedEvent[] = [];
    const completed: RequestCompletedEvent[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'request.admitted':
          admitted.push(event);
          break;
        case 'request.completed':
          completed.push(event);
          break;
        case 'policy.published':
          await this.published(m, event);
          break;
        case 'policy.rule.created':
        case 'policy.rule.updated':
        case 'policy.rule.deleted':
        case 'policy.signed':
        case 'policy.signer.registered':
        case 'compliance.remediation.applied':
          break; // every change also publishes a new version; budgets come from the active one
        default: {
          const never: never = event;
          throw new Error(`unexpected event ${JSON.stringify(never)}`);
        }
      }
    }
    // Admissions first: a completion in the same batch then drops the reservation its own
    // admission just made, as it would have one event at a time.
    if (admitted.length > 0) await this.admitted(m, admitted);
    if (completed.length > 0) await this.completed(m, completed);
  }

  /** Holds each reservation until its completion settles it or it expires (unless it already completed). */
  private async admitted(m: EntityManager, events: readonly RequestAdmittedEvent[]): Promise<void> {
    const col = <K extends keyof RequestAdmittedEvent['data']>(k: K) =>
      events.map((e) => e.data[k]);
    await m.query(
      `insert into ${this.s}.reservations
         (request_id, org_id, team_id, key_id, agent_id, session_id, amount_micro_usd, admitted_at, expires_at, replica_id, end_user)
       select u.* from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                              $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[])
         as u(request_id, org_id, team_id, key_id, agent_id, session_id, amount, admitted_at, expires_at, replica_id, end_user)
       where not exists (select 1 from ${this.s}.completed_requests c where c.request_id = u.request_id)
       on conflict do nothing`,
      [
        col('request_id'),
        col('org_id'),
        col('team_id'),
        col('key_id'),
        col('agent_id'),
        col('session_id'),
        col('reserved_micro_usd'),
        col('admitted_at'),
        col('reservation_expires_at'),
        col('replica_id'),
        events.map((e) => e.data.end_user ?? null),
      ],
    );
  }

  /**
   * Charges the actual cost once per request, drops its reservation, and raises the alerts
   * each completion crosses (judged on the spend as it stood right after that completion).
   */
  private async completed(
    m: EntityManager,
    events: readonly RequestCompletedEvent[],
  ): Promise<void> {
    const now = this.now();
    const col = <K extends keyof RequestCompletedEvent['data']>(k: K) =>
      events.map((e) => e.data[k]);
    const firsts = (await m.query(
      `insert into ${this.s}.completed_requests (request_id, org_id, cost_micro_usd, completed_at, recorded_at)
       select u.*, $5::timestamptz from unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[])
         as u(request_id, org_id, cost, completed_at)
       on conflict do nothing returning request_id`,
      [col('request_id'), col('org_id'), col('cost_micro_usd'), col('completed_at'), now],
    )) as { request_id: string }[];
    const unsettled = new Set(firsts.map((r) => r.request_id));
    if (unsettled.size === 0) return;
    const charged = events.filter((e) => unsettled.delete(e.data.request_id));
    await m.query(`delete from ${this.s}.reservations where request_id = any($1::text[])`, [
      charged.map((e) => e.data.request_id),
    ]);

    const rowsPerRequest = charged.map((e) => spendRowsFor(e.data));
    const sums = sumSpendRows(rowsPerRequest);
    const totals = (await m.query(
      `insert into ${this.s}.spend (org_id, dimension, dimension_id, period, period_start, spent_micro_usd, requests, updated_at)
       select org, dim, id, period, start, cost, n, $8
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bigint[], $7::bigint[])
         as u(org, dim, id, period, start, cost, n)
       on conflict (org_id, dimension, dimension_id, period, period_start)
       do update set spent_micro_usd = spend.spent_micro_usd + excluded.spent_micro_usd,
                     requests = spend.requests + excluded.requests, updated_at = excluded.updated_at
       returning org_id, dimension, dimension_id, period, period_start, spent_micro_usd`,
      [
        sums.map((r) => r.org_id),
        sums.map((r) => r.dimension),
        sums.map((r) => r.dimension_id),
        sums.map((r) => r.period),
        sums.map((r) => r.period_start),
        sums.map((r) => r.cost_micro_usd),
        sums.map((r) => r.requests),
        now,
      ],
    )) as {
      org_id: string;
      dimension: string;
      dimension_id: string;
      period: string;
      period_start: Date;
      spent_micro_usd: string;
    }[];

    // Each counter as it stood before this batch; then replay the batch's completions in order.
    const running = new Map(
      totals.map((t) => [spendKey(t as Parameters<typeof spendKey>[0]), Number(t.spent_micro_usd)]),
    );
    for (const sum of sums)
      running.set(spendKey(sum), (running.get(spendKey(sum)) ?? 0) - sum.cost_micro_usd);
    const documents = new Map<string, PolicyDocument | null>();
    // Each alert a completion reaches, first reacher only (once exceeded, every later
    // completion reaches all four again): checked against the table in one query below.
    const reached = new Map<string, Alert>();
    for (const [i, event] of charged.entries()) {
      const d = event.data;
      const spentBy = new Map<string, number>();
      for (const row of rowsPerRequest[i]) {
        const key = spendKey(row);
        const spent = (running.get(key) ?? 0) + row.cost_micro_usd;
        running.set(key, spent);
        spentBy.set(
          counterKey({
            org_id: row.org_id,
            scope: row.dimension as BudgetLimit['scope'],
            scope_id: row.dimension_id,
            period: row.period as BudgetLimit['period'],
            period_start: new Date(row.period_start).toISOString(),
          }),
          spent,
        );
      }
      if (d.cost_micro_usd <= 0) continue;
      if (!documents.has(d.org_id)) documents.set(d.org_id, await this.documentOf(m, d.org_id));
      const document = documents.get(d.org_id);
      if (!document) continue;
      for (const limit of budgetLimitsFor(document, d, new Date(d.started_at))) {
        const spent = spentBy.get(counterKey(limit));
        if (spent === undefined) continue;
        for (const kind of reachedAlerts(limit, spent)) {
          const key = alertKey(budgetId(limit), limit.period_start, kind);
          if (!reached.has(key)) reached.set(key, { limit, kind, spent, request_id: d.request_id });
        }
      }
    }
    if (reached.size === 0) return;
    const budgets = [...new Set([...reached.values()].map((a) => budgetId(a.limit)))];
    const emitted = (await m.query(
      `select budget, period_start, kind from ${this.s}.alerts where budget = any($1::text[])`,
      [budgets],
    )) as {
      budget: string;
      period_start: Date;
      kind: string;
    }[];
    for (const row of emitted) reached.delete(alertKey(row.budget, row.period_start, row.kind));
    for (const a of reached.values())
      await this.alertOnce(m, a.limit, a.kind, a.spent, a.request_id, now);
  }

  private async alertOnce(
    m: EntityManager,
    limit: BudgetLimit,
    kind: Parameters<typeof alertEvent>[1],
    spent: number,
    request_id: string,
    now: Date,
  ): Promise<void> {
    const budget = budgetId(limit);
    const fresh = await m.query(
      `insert into ${this.s}.alerts (budget, period_start, kind, emitted_at) values ($1, $2, $3, $4) on conflict do nothing returning kind`,
      [budget, limit.period_start, String(kind), now],
    );
    if (fresh.length === 0) return;
    const event = alertEvent(
      limit,
      kind,
      spent,
      kind === 'exceeded' ? request_id : null,
      this.newEventId(),
      now,
    );
    // The budget's period is a stream of its alerts; the outbox row commits with the projection.
    await this.store.append(
      `budget:${budget}|${limit.period_start}`,
      'budget',
      'any',
      [{ event_id: event.id, type: event.type, data: event.data }],
      {
        outbox: [outboxMessage(budgetTopic, event)],
        manager: m,
      },
    );
  }

  /** Keeps the newest active version of each org's document. */
  private async published(
    m: EntityManager,
    { data: d }: Extract<PolicyEvent, { type: 'policy.published' }>,
  ): Promise<void> {
    if (d.status !== 'active') return;
    await m.query(
      `insert into ${this.s}.org_policies (org_id, policy_version, document) values ($1, $2, $3)
       on conflict (org_id) do update set policy_version = excluded.policy_version, document = excluded.document where org_policies.policy_version < excluded.policy_version`,
      [d.org_id, d.policy_version, JSON.stringify(d.document)],
    );
  }

  private async documentOf(m: EntityManager, org_id: string): Promise<PolicyDocument | null> {
    const rows: { document: PolicyDocument }[] = await m.query(
      `select document from ${this.s}.org_policies where org_id = $1`,
      [org_id],
    );
    return rows[0]?.document ?? null;
  }

  /** Forgets expired reservations and old inbox rows (completed requests are kept: they guard against replays). */
  async prune(now: Date, inboxRetentionMs = 7 * 86_400_000): Promise<void> {
    await this.dataSource.query(`delete from ${this.s}.reservations where expires_at <= $1`, [now]);
    await this.dataSource.query(`delete from ${this.s}.inbox where processed_at < $1`, [
      new Date(now.getTime() - inboxRetentionMs),
    ]);
  }
}
