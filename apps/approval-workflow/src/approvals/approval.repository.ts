import type { DataSource, EntityManager } from 'typeorm';
import { approvalsTopic } from '@llmgov/events';
import { outboxMessage, type EventStore } from '@llmgov/eventstore';
import { ValidationError } from '@llmgov/service-kit';
import { evolve, type Approval, type ApprovalEvent, type ApprovalStatus } from './approval';
import type { Decision } from './approval.decide';
import { storedEvent } from '../persistence/stored-event';

interface Row {
  approval_id: string;
  version: number;
  state: Approval;
}

export interface ApprovalQuery {
  org_id: string | null;
  status?: ApprovalStatus;
  agent_id?: string;
  cursor?: string;
  limit: number;
}

const STREAM_TYPE = 'approval';
export const approvalStreamId = (approvalId: string) => `approval-${approvalId}`;

/**
 * Approvals in Postgres: each transition appends to the approval's stream (with the events'
 * outbox rows) and updates its `approvals` row in ONE transaction. Concurrency is settled by
 * the row: decisions lock it (`for update`), consume is a conditional update, and expiry
 * claims due rows with `for update skip locked`, so any number of replicas agree.
 */
export class ApprovalRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly store: EventStore,
  ) {
    this.table = `"${schema}".approvals`;
  }

  async get(approvalId: string): Promise<Approval | null> {
    const rows: Row[] = await this.dataSource.query(
      `select state from ${this.table} where approval_id = $1`,
      [approvalId],
    );
    return rows[0]?.state ?? null;
  }

  /** How many approvals wait for a reviewer (the `approvals_pending` gauge). */
  async countPending(): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `select count(*)::int as n from ${this.table} where status = 'pending'`,
    );
    return rows[0]?.n ?? 0;
  }

  /** Oldest first (a queue), keyset-paginated on (requested_at, approval_id). */
  async list(query: ApprovalQuery): Promise<{ items: Approval[]; next_cursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.org_id) add('org_id = ?', query.org_id);
    if (query.status) add('status = ?', query.status);
    if (query.agent_id) add('agent_id = ?', query.agent_id);
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor);
      params.push(at, id);
      where.push(
        `(requested_at, approval_id) > ($${params.length - 1}::timestamptz, $${params.length})`,
      );
    }
    params.push(query.limit + 1);
    const rows: Row[] = await this.dataSource.query(
      `select state from ${this.table} ${where.length ? `where ${where.join(' and ')}` : ''} order by requested_at, approval_id limit $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit).map((r) => r.state);
    const last = items[items.length - 1];
    return {
      items,
      next_cursor:
        rows.length > query.limit && last
          ? encodeCursor(last.requested_at, last.approval_id)
          : null,
    };
  }

  /**
   * Records a requested approval (first event of its stream). Idempotent by approval id: a
   * redelivered or duplicated `approval.requested` changes nothing. Not re-published: the
   * gateway already published it on the approvals topic.
   */
  async create(
    manager: EntityManager,
    event: Extract<ApprovalEvent, { type: 'approval.requested' }>,
  ): Promise<boolean> {
    const state = evolve(null, event);
    const inserted: unknown[] = await manager.query(
      `insert into ${this.table} (approval_id, org_id, key_id, agent_id, fingerprint, status, requested_at, expires_at, version, state)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9) on conflict (approval_id) do nothing returning approval_id`,
      [
        state.approval_id,
        state.org_id,
        state.key_id,
        state.agent_id,
        state.fingerprint,
        state.status,
        state.requested_at,
        state.expires_at,
        JSON.stringify(state),
      ],
    );
    if (inserted.length === 0) return false;
    await this.store.append(
      approvalStreamId(state.approval_id),
      STREAM_TYPE,
      'no_stream',
      [storedEvent(event)],
      { manager },
    );
    return true;
  }

  /** Locks the approval's row, decides, and commits the events (with outbox) and the new state. */
  async transition(
    approvalId: string,
    decide: (state: Approval | null) => Decision,
  ): Promise<Decision> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Row[] = await manager.query(
        `select approval_id, version, state from ${this.table} where approval_id = $1 for update`,
        [approvalId],
      );
      const row = rows[0];
      const decision = decide(row?.state ?? null);
      if (decision.ok && decision.events.length > 0 && row)
        await this.save(manager, row, decision.events);
      return decision;
    });
  }

  /**
   * The gateway's single-use consume: a conditional UPDATE that only a granted, unexpired,
   * unconsumed approval of this org, key and fingerprint passes, so of two racing retries
   * exactly one gets a row back. `decide` then yields the consumed event (ok) or, when no row
   * came back, the reason for the refusal from the row as it is now.
   */
  async consume(
    approvalId: string,
    binding: { org_id: string; key_id: string; fingerprint: string; now: Date },
    decide: (state: Approval | null) => Decision,
  ): Promise<Decision> {
    return this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE … RETURNING as [rows, affected].
      const [claimed] = (await manager.query(
        `update ${this.table} set status = 'consumed'
         where approval_id = $1 and status = 'granted' and org_id = $2 and key_id = $3 and fingerprint = $4 and expires_at > $5
         returning approval_id, version, state`,
        [
          approvalId,
          binding.org_id,
          binding.key_id,
          binding.fingerprint,
          binding.now.toISOString(),
        ],
      )) as [Row[], number];
      const row = claimed[0];
      if (!row) {
        const current = await manager.query(
          `select state from ${this.table} where approval_id = $1`,
          [approvalId],
        );
        const decision = decide((current as Row[])[0]?.state ?? null);
        if (decision.ok)
          throw new Error(
            `approval ${approvalId}: consume passed the decider but not the conditional update`,
          );
        return decision;
      }
      const decision = decide(row.state);
      if (!decision.ok)
        throw new Error(
          `approval ${approvalId}: consume passed the conditional update but not the decider (${decision.refusal.code})`,
        );
      await this.save(manager, row, decision.events);
      return decision;
    });
  }

  /**
   * Expires pending approvals past their deadline, `limit` at a time. Rows are claimed with
   * `for update skip locked`: replicas sweeping at once take disjoint rows, and a row expired
   * by one is no longer pending for the others, so each expiry happens exactly once.
   */
  async expireDue(
    now: Date,
    limit: number,
    decide: (state: Approval) => Decision,
  ): Promise<Approval[]> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Row[] = await manager.query(
        `select approval_id, version, state from ${this.table}
         where status = 'pending' and expires_at <= $1 order by expires_at limit $2 for update skip locked`,
        [now.toISOString(), limit],
      );
      const expired: Approval[] = [];
      for (const row of rows) {
        const decision = decide(row.state);
        if (!decision.ok || decision.events.length === 0) continue;
        expired.push(await this.save(manager, row, decision.events));
      }
      return expired;
    });
  }

  private async save(manager: EntityManager, row: Row, events: ApprovalEvent[]): Promise<Approval> {
    const state = events.reduce<Approval>((s, e) => evolve(s, e), row.state);
    await manager.query(
      `update ${this.table} set status = $2, version = $3, state = $4 where approval_id = $1`,
      [row.approval_id, state.status, row.version + events.length, JSON.stringify(state)],
    );
    await this.store.append(
      approvalStreamId(row.approval_id),
      STREAM_TYPE,
      row.version,
      events.map(storedEvent),
      {
        outbox: events.map((event) => outboxMessage(approvalsTopic, event)),
        manager,
      },
    );
    return state;
  }
}

function encodeCursor(requestedAt: string, approvalId: string): string {
  return Buffer.from(JSON.stringify([requestedAt, approvalId])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      !Number.isNaN(Date.parse(value[0]))
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new ValidationError('Invalid cursor', [
    { field: 'cursor', message: 'not a cursor this service issued' },
  ]);
}
