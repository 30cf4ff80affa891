import { budgetLimitsFor, counterKey, type BudgetLimit, type RequestAdmittedEvent, type RequestCompletedEvent } from '@llmgov/budget';
import { budgetTopic, policyTopic, type EventOf } from '@llmgov/events';
import { outboxMessage, type EventStore, type Inbox } from '@llmgov/eventstore';
import { policyDocument, type PolicyDocument } from '@llmgov/policy-schema';
import type { DataSource, EntityManager } from 'typeorm';
import { alertEvent, reachedAlerts } from '../budgets/budget-alerts.decide';
import { checkedSchema } from '../persistence/schema';
import { spendRowsFor } from '../spend/spend-rows';

/** Where an event came from: the projection records it so the snapshot can say what it reflects. */
export interface EventPosition {
  topic: string;
  partition: number;
  offset: string;
}

type PolicyEvent = EventOf<typeof policyTopic>;
type RequestEvent = RequestAdmittedEvent | RequestCompletedEvent;

/**
 * Folds events into the ledger's projections. Each event is one transaction: the inbox
 * row (event id), the projection change, the alerts it triggers (outbox) and the stream
 * position commit together, so a redelivered event or a crash between steps can neither
 * double-count nor lose anything.
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
  async handle(consumer: string, event: RequestEvent | PolicyEvent, position: EventPosition | null): Promise<boolean> {
    return this.inbox.handleOnce(consumer, event.id, async (m) => {
      await this.apply(m, event);
      if (position) {
        await m.query(
          `insert into ${this.s}.positions (topic, partition, next_offset, event_time) values ($1, $2, $3, $4)
           on conflict (topic, partition) do update set next_offset = greatest(positions.next_offset, excluded.next_offset), event_time = greatest(positions.event_time, excluded.event_time)`,
          [position.topic, position.partition, BigInt(position.offset) + 1n, event.time],
        );
      }
    });
  }

  private async apply(m: EntityManager, event: RequestEvent | PolicyEvent): Promise<void> {
    switch (event.type) {
      case 'request.admitted':
        return this.admitted(m, event);
      case 'request.completed':
        return this.completed(m, event);
      case 'policy.published':
        return this.published(m, event);
      case 'policy.rule.created':
      case 'policy.rule.updated':
      case 'policy.rule.deleted':
      case 'policy.signed':
      case 'policy.signer.registered':
      case 'compliance.remediation.applied':
        return; // every change also publishes a new version; budgets come from the active one
      default: {
        const never: never = event;
        throw new Error(`unexpected event ${JSON.stringify(never)}`);
      }
    }
  }

  /** Holds the reservation until its completion settles it or it expires (unless it already completed). */
  private async admitted(m: EntityManager, { data: d }: RequestAdmittedEvent): Promise<void> {
    await m.query(
      `insert into ${this.s}.reservations (request_id, org_id, team_id, key_id, agent_id, session_id, amount_micro_usd, admitted_at, expires_at, replica_id)
       select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
       where not exists (select 1 from ${this.s}.completed_requests where request_id = $1)
       on conflict do nothing`,
      [d.request_id, d.org_id, d.team_id, d.key_id, d.agent_id, d.session_id, d.reserved_micro_usd, d.admitted_at, d.reservation_expires_at, d.replica_id],
    );
  }

  /** Charges the actual cost once per request, drops its reservation, and raises the alerts it crosses. */
  private async completed(m: EntityManager, event: RequestCompletedEvent): Promise<void> {
    const d = event.data;
    const now = this.now();
    const first = await m.query(
      `insert into ${this.s}.completed_requests (request_id, org_id, cost_micro_usd, completed_at, recorded_at) values ($1, $2, $3, $4, $5) on conflict do nothing returning request_id`,
      [d.request_id, d.org_id, d.cost_micro_usd, d.completed_at, now],
    );
    if (first.length === 0) return;
    await m.query(`delete from ${this.s}.reservations where request_id = $1`, [d.request_id]);
    const rows = spendRowsFor(d);
    const totals: { dimension: string; dimension_id: string; period: string; period_start: Date; spent_micro_usd: string }[] = await m.query(
      `insert into ${this.s}.spend (org_id, dimension, dimension_id, period, period_start, spent_micro_usd, requests, updated_at)
       select $1, dim, id, period, start, cost, 1, $7 from unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bigint[]) as u(dim, id, period, start, cost)
       on conflict (org_id, dimension, dimension_id, period, period_start)
       do update set spent_micro_usd = spend.spent_micro_usd + excluded.spent_micro_usd, requests = spend.requests + 1, updated_at = excluded.updated_at
       returning dimension, dimension_id, period, period_start, spent_micro_usd`,
      [d.org_id, rows.map((r) => r.dimension), rows.map((r) => r.dimension_id), rows.map((r) => r.period), rows.map((r) => r.period_start), rows.map((r) => r.cost_micro_usd), now],
    );
    if (d.cost_micro_usd <= 0) return;
    const document = await this.documentOf(m, d.org_id);
    if (!document) return;
    const spentBy = new Map(totals.map((t) => [counterKey({ org_id: d.org_id, scope: t.dimension as BudgetLimit['scope'], scope_id: t.dimension_id, period: t.period as BudgetLimit['period'], period_start: new Date(t.period_start).toISOString() }), Number(t.spent_micro_usd)]));
    for (const limit of budgetLimitsFor(document, d, new Date(d.started_at))) {
      const spent = spentBy.get(counterKey(limit));
      if (spent === undefined) continue;
      for (const kind of reachedAlerts(limit, spent)) await this.alertOnce(m, limit, kind, spent, d.request_id, now);
    }
  }

  private async alertOnce(m: EntityManager, limit: BudgetLimit, kind: Parameters<typeof alertEvent>[1], spent: number, request_id: string, now: Date): Promise<void> {
    const budget = `${limit.org_id}|${limit.code}|${limit.scope}|${limit.scope_id}|${limit.period}|${limit.policy_id ?? ''}`;
    const fresh = await m.query(`insert into ${this.s}.alerts (budget, period_start, kind, emitted_at) values ($1, $2, $3, $4) on conflict do nothing returning kind`, [budget, limit.period_start, String(kind), now]);
    if (fresh.length === 0) return;
    const event = alertEvent(limit, kind, spent, kind === 'exceeded' ? request_id : null, this.newEventId(), now);
    // The budget's period is a stream of its alerts; the outbox row commits with the projection.
    await this.store.append(`budget:${budget}|${limit.period_start}`, 'budget', 'any', [{ event_id: event.id, type: event.type, data: event.data }], {
      outbox: [outboxMessage(budgetTopic, event)],
      manager: m,
    });
  }

  /** Keeps the newest active version of each org's document. */
  private async published(m: EntityManager, { data: d }: Extract<PolicyEvent, { type: 'policy.published' }>): Promise<void> {
    if (d.status !== 'active') return;
    const parsed = policyDocument.safeParse(d.document);
    if (!parsed.success) return; // the registry validated it; a document we cannot read keeps the previous one
    await m.query(
      `insert into ${this.s}.org_policies (org_id, policy_version, document) values ($1, $2, $3)
       on conflict (org_id) do update set policy_version = excluded.policy_version, document = excluded.document where org_policies.policy_version < excluded.policy_version`,
      [d.org_id, d.policy_version, JSON.stringify(parsed.data)],
    );
  }

  private async documentOf(m: EntityManager, org_id: string): Promise<PolicyDocument | null> {
    const rows: { document: PolicyDocument }[] = await m.query(`select document from ${this.s}.org_policies where org_id = $1`, [org_id]);
    return rows[0]?.document ?? null;
  }

  /** Forgets expired reservations and old inbox rows (completed requests are kept: they guard against replays). */
  async prune(now: Date, inboxRetentionMs = 7 * 86_400_000): Promise<void> {
    await this.dataSource.query(`delete from ${this.s}.reservations where expires_at <= $1`, [now]);
    await this.dataSource.query(`delete from ${this.s}.inbox where processed_at < $1`, [new Date(now.getTime() - inboxRetentionMs)]);
  }
}
