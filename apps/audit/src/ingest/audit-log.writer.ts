import type { EnvelopeBase } from '@llmgov/events';
import type { DataSource, EntityManager } from 'typeorm';
import { seal, GENESIS_HASH, type HashedEntry } from '../chain/entry';
import { indexFields, isoMillis } from '../chain/index-fields';
import { applyLogLevel, DEFAULT_LOG_LEVEL, type LogLevel } from '../chain/log-level';
import { orgLogSettings } from './org-log-settings';
import { ENTRY_COLUMNS, toParams } from '../persistence/entry-row';

export type AppendOutcome = 'appended' | 'duplicate';

const UNIQUE_VIOLATION = '23505';

/** SQLSTATE classes 22 (data exception) and 23 (integrity): the event, not the database. */
const isDataError = (error: unknown): boolean => /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));

interface Pending {
  event: EnvelopeBase;
  topic: string;
  resolve(outcome: AppendOutcome): void;
  reject(error: unknown): void;
}

/** Most events one transaction appends (group commit). */
const MAX_BATCH = 256;

/**
 * Appends events to their org's chain. Per event: lock the chain head, skip an event id
 * already logged, learn the log level from an active `policy.published`, strip what the
 * level excludes, link and hash, insert, move the head. Concurrent consumers (topics,
 * partitions, replicas) serialise on the head row of the org they write to.
 *
 * Group commit: appends that arrive while a transaction runs are written together in
 * the next one (chains locked in sorted order, so two replicas' batches cannot
 * deadlock). `append` resolves only after its transaction committed. When a batch
 * fails, its events are retried one per transaction, so one bad event cannot hold back
 * the others.
 */
export class AuditLogWriter {
  private readonly s: string;
  private readonly insertSql: string;
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly now: () => Date,
  ) {
    this.s = `"${schema}"`;
    const placeholders = ENTRY_COLUMNS.map((c, i) => (c === 'event' ? `$${i + 1}::jsonb` : `$${i + 1}`));
    this.insertSql = `insert into ${this.s}.audit_entries (${ENTRY_COLUMNS.join(', ')}) values (${placeholders.join(', ')})`;
  }

  append(event: EnvelopeBase, topic: string): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, topic, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        // Stable sort: order within a chain is kept; locks are taken in chain order.
        batch.sort((a, b) => indexFields(a.event).chain.localeCompare(indexFields(b.event).chain));
        try {
          const outcomes = await this.dataSource.transaction(async (manager) => {
            const out: AppendOutcome[] = [];
            for (const item of batch) out.push(await this.appendIn(manager, item.event, item.topic));
            return out;
          });
          batch.forEach((item, i) => item.resolve(outcomes[i]));
        } catch (error) {
          // The database is down or slow: fail them all now (the bus retries each).
          // A data error: find the one event at fault, one transaction each.
          if (isDataError(error)) for (const item of batch) await this.appendAlone(item);
          else batch.forEach((item) => item.reject(error));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async appendAlone(item: Pending): Promise<void> {
    try {
      item.resolve(await this.dataSource.transaction((manager) => this.appendIn(manager, item.event, item.topic)));
    } catch (error) {
      // The same event id logged in another chain (a producer bug): still logged once.
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) item.resolve('duplicate');
      else item.reject(error);
    }
  }

  private async appendIn(manager: EntityManager, event: EnvelopeBase, topic: string): Promise<AppendOutcome> {
    const fields = indexFields(event);
    const { chain } = fields;
    await manager.query(`insert into ${this.s}.audit_chain_heads (chain, position, hash) values ($1, 0, $2) on conflict do nothing`, [chain, GENESIS_HASH]);
    const [head] = (await manager.query(`select position, hash from ${this.s}.audit_chain_heads where chain = $1 for update`, [chain])) as { position: string; hash: string }[];
    const seen = await manager.query(`select 1 from ${this.s}.audit_entries where event_id = $1`, [event.id]);
    if (seen.length > 0) return 'duplicate';

    const level = await this.logLevel(manager, chain, event);
    const entry: HashedEntry = seal({
      ...fields,
      position: Number(head.position) + 1,
      event_id: event.id,
      type: event.type,
      topic,
      time: isoMillis(event.time),
      recorded_at: this.now().toISOString(),
      event: applyLogLevel(event, level) as unknown as Record<string, unknown>,
      prev_hash: head.hash,
    });
    await manager.query(this.insertSql, toParams(entry));
    await manager.query(`update ${this.s}.audit_chain_heads set position = $2, hash = $3 where chain = $1`, [chain, entry.position, entry.hash]);
    return 'appended';
  }

  /** The org's log level; an active policy.published sets it first (it applies to itself). */
  private async logLevel(manager: EntityManager, chain: string, event: EnvelopeBase): Promise<LogLevel> {
    const learnt = orgLogSettings(event);
    if (learnt) {
      await manager.query(
        `insert into ${this.s}.audit_org_settings (chain, log_level, retention_days, policy_version) values ($1, $2, $3, $4)
         on conflict (chain) do update set log_level = excluded.log_level, retention_days = excluded.retention_days, policy_version = excluded.policy_version
         where ${this.s}.audit_org_settings.policy_version <= excluded.policy_version`,
        [chain, learnt.log_level, learnt.retention_days, learnt.policy_version],
      );
    }
    const [row] = (await manager.query(`select log_level from ${this.s}.audit_org_settings where chain = $1`, [chain])) as { log_level: LogLevel }[];
    return row?.log_level ?? DEFAULT_LOG_LEVEL;
  }
}
