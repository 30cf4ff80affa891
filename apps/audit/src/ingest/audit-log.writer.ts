import type { EnvelopeBase } from '@llmgov/events';
import type { DataSource, EntityManager } from 'typeorm';
import { seal, GENESIS_HASH, type HashedEntry } from '../chain/entry';
import { indexFields, isoMillis } from '../chain/index-fields';
import { applyLogLevel, DEFAULT_LOG_LEVEL, type LogLevel } from '../chain/log-level';
import { orgLogSettings, type OrgLogSettings } from './org-log-settings';
import { ENTRIES_RECORDSET, ENTRY_COLUMNS } from '../persistence/entry-row';

export type AppendOutcome = 'appended' | 'duplicate';

const UNIQUE_VIOLATION = '23505';

/** SQLSTATE classes 22 (data exception) and 23 (integrity): the event, not the database. */
const isDataError = (error: unknown): boolean =>
  /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));

interface Pending {
  event: EnvelopeBase;
  topic: string;
  resolve(outcome: AppendOutcome): void;
  reject(error: unknown): void;
}

/** Most events one round of transactions appends (group commit; a consumer hands up to 500 at once). */
const MAX_BATCH = 1000;

/**
 * Appends events to their org's chain. Per chain: lock the chain head, skip an event id
 * already logged, learn the log level from an active `policy.published`, strip what the
 * level excludes, link and hash, insert, move the head. Concurrent consumers (topics,
 * partitions, replicas) serialise on the head row of the org they write to.
 *
 * Group commit: appends that arrive while a transaction runs are written together in
 * the next round (one transaction per chain, chains in parallel). `append` resolves
 * only after its transaction committed. When a batch
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
    const columns = ENTRY_COLUMNS.join(', ');
    this.insertSql = `insert into ${this.s}.audit_entries (${columns}) select ${columns} from ${ENTRIES_RECORDSET}`;
  }

  append(event: EnvelopeBase, topic: string): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, topic, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Appends a batch (a consumer's, in offset order): committed in as few transactions as chains. */
  appendAll(items: readonly { event: EnvelopeBase; topic: string }[]): Promise<AppendOutcome[]> {
    return Promise.all(items.map(({ event, topic }) => this.append(event, topic)));
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        const byChain = new Map<string, Pending[]>();
        for (const item of batch) {
          const chain = indexFields(item.event).chain;
          const items = byChain.get(chain);
          if (items) items.push(item);
          else byChain.set(chain, [item]);
        }
        // One transaction per chain, in parallel: each locks one head, so none can deadlock.
        await Promise.all([...byChain].map(([chain, items]) => this.commitChain(chain, items)));
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commitChain(chain: string, items: Pending[]): Promise<void> {
    try {
      const outcomes = await this.dataSource.transaction((manager) =>
        this.appendChain(manager, chain, items),
      );
      items.forEach((item, i) => item.resolve(outcomes[i]));
    } catch (error) {
      // The database is down or slow: fail them all now (the bus retries each).
      // A data error: find the one event at fault, one transaction each.
      if (isDataError(error)) for (const item of items) await this.appendAlone(item);
      else items.forEach((item) => item.reject(error));
    }
  }

  private async appendAlone(item: Pending): Promise<void> {
    try {
      const [outcome] = await this.dataSource.transaction((manager) =>
        this.appendChain(manager, indexFields(item.event).chain, [item]),
      );
      item.resolve(outcome);
    } catch (error) {
      // The same event id logged in another chain (a producer bug): still logged once.
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) item.resolve('duplicate');
      else item.reject(error);
    }
  }

  /**
   * Appends one chain's share of a batch, in order: the head locked once, duplicates
   * found in one query, one insert of them all, the head moved once.
   */
  private async appendChain(
    manager: EntityManager,
    chain: string,
    items: readonly { event: EnvelopeBase; topic: string }[],
  ): Promise<AppendOutcome[]> {
    await manager.query(
      `insert into ${this.s}.audit_chain_heads (chain, position, hash) values ($1, 0, $2) on conflict do nothing`,
      [chain, GENESIS_HASH],
    );
    const [head] = (await manager.query(
      `select position, hash from ${this.s}.audit_chain_heads where chain = $1 for update`,
      [chain],
    )) as { position: string; hash: string }[];
    const ids = items.map((i) => i.event.id);
    const seen = new Set(
      (
        (await manager.query(
          `select event_id from ${this.s}.audit_entries where event_id = any($1::text[])`,
          [ids],
        )) as { event_id: string }[]
      ).map((r) => r.event_id),
    );
    let { level, version } = await this.logLevel(manager, chain);
    let previous = { position: Number(head.position), hash: head.hash };
    const entries: HashedEntry[] = [];
    const outcomes = items.map(({ event, topic }): AppendOutcome => {
      if (seen.has(event.id)) return 'duplicate';
      seen.add(event.id);
      const learnt = orgLogSettings(event);
      // An active policy's level applies from its own entry on (a late, older version does not).
      if (learnt && learnt.policy_version >= version)
        ({ log_level: level, policy_version: version } = learnt);
      const entry = seal({
        ...indexFields(event),
        position: previous.position + 1,
        event_id: event.id,
        type: event.type,
        topic,
        time: isoMillis(event.time),
        recorded_at: this.now().toISOString(),
        event: applyLogLevel(event, level) as unknown as Record<string, unknown>,
        prev_hash: previous.hash,
      });
      entries.push(entry);
      previous = { position: entry.position, hash: entry.hash };
      return 'appended';
    });
    if (entries.length === 0) return outcomes;
    for (const { event } of items) {
      const learnt = orgLogSettings(event);
      if (learnt) await this.saveSettings(manager, chain, learnt);
    }
    await manager.query(this.insertSql, [JSON.stringify(entries)]);
    await manager.query(
      `update ${this.s}.audit_chain_heads set position = $2, hash = $3 where chain = $1`,
      [chain, previous.position, previous.hash],
    );
    return outcomes;
  }

  private async saveSettings(
    manager: EntityManager,
    chain: string,
    learnt: OrgLogSettings,
  ): Promise<void> {
    await manager.query(
      `insert into ${this.s}.audit_org_settings (chain, log_level, retention_days, policy_version) values ($1, $2, $3, $4)
       on conflict (chain) do update set log_level = excluded.log_level, retention_days = excluded.retention_days, policy_version = excluded.policy_version
       where ${this.s}.audit_org_settings.policy_version <= excluded.policy_version`,
      [chain, learnt.log_level, learnt.retention_days, learnt.policy_version],
    );
  }

  /** The org's log level as last learnt from an active policy (standard until then). */
  private async logLevel(
    manager: EntityManager,
    chain: string,
  ): Promise<{ level: LogLevel; version: number }> {
    const [row] = (await manager.query(
      `select log_level, policy_version from ${this.s}.audit_org_settings where chain = $1`,
      [chain],
    )) as { log_level: LogLevel; policy_version: number }[];
    return row
      ? { level: row.log_level, version: row.policy_version }
      : { level: DEFAULT_LOG_LEVEL, version: 0 };
  }
}
