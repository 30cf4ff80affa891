import type { EnvelopeBase } from '@llmgov/events';
import type { DataSource } from 'typeorm';
import { seal, GENESIS_HASH, type HashedEntry } from '../chain/entry';
import { indexFields, isoMillis } from '../chain/index-fields';
import { applyLogLevel, DEFAULT_LOG_LEVEL, type LogLevel } from '../chain/log-level';
import { orgLogSettings, type OrgLogSettings } from './org-log-settings';
import { ENTRY_COLUMNS, entriesRecordset } from '../persistence/entry-row';

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

/**
 * Most events one round of appends takes (group commit). A consumer hands up to 500 at once
 * on Kafka and 2000 embedded: a round takes a whole embedded batch, because there each
 * statement waits for its turn on the one PGlite session behind every other service's, and
 * 1000 split a batch into two rounds of waits (issue 17 item 8).
 */
const MAX_BATCH = 2000;

/**
 * Appends events to their org's chain. Per chain: read the head, skip an event id already
 * logged, learn the log level from an active `policy.published`, strip what the level
 * excludes, link and hash, then insert and move the head in one statement that writes only
 * if the head has not moved since it was read (else it reads and links again). Concurrent
 * writers to one org (topics, partitions, replicas) are thus ordered by its head row.
 *
 * Group commit: appends that arrive while a round runs are written together in the next
 * round (one write per chain, chains in parallel). `append` resolves only after its write
 * committed. When a batch fails, its events are retried one per statement, so one bad
 * event cannot hold back the others.
 */
export class AuditLogWriter {
  private readonly readSql: string;
  private readonly writeSql: string;
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly now: () => Date,
  ) {
    const s = `"${schema}"`;
    this.readSql = `select h.position, h.hash, o.log_level, o.policy_version,
        array(select event_id from ${s}.audit_entries where event_id = any($2::text[])) as seen
      from (select $1::text as chain) c
      left join ${s}.audit_chain_heads h on h.chain = c.chain
      left join ${s}.audit_org_settings o on o.chain = c.chain`;
    // One statement, so atomic without a transaction. The head moves only from where it was
    // read ($2, $3; a chain without a head row was read at 0 and genesis), and the entries and
    // settings are written only with it. On Postgres a concurrent writer waits on the head
    // row, then finds it moved and writes nothing.
    const columns = ENTRY_COLUMNS.join(', ');
    this.writeSql = `with moved as (
        insert into ${s}.audit_chain_heads as h (chain, position, hash) values ($1, $4, $5)
        on conflict (chain) do update set position = excluded.position, hash = excluded.hash
        where h.position = $2 and h.hash = $3
        returning chain
      ), entries as (
        insert into ${s}.audit_entries (${columns})
        select ${columns} from ${entriesRecordset('$6')} where exists (select 1 from moved)
      ), settings as (
        insert into ${s}.audit_org_settings as o (chain, log_level, retention_days, policy_version)
        select $1, l.log_level, l.retention_days, l.policy_version
        from jsonb_to_recordset($7::jsonb) as l(log_level text, retention_days integer, policy_version integer)
        where exists (select 1 from moved)
        on conflict (chain) do update set log_level = excluded.log_level,
          retention_days = excluded.retention_days, policy_version = excluded.policy_version
        where o.policy_version <= excluded.policy_version
      )
      select count(*)::int as moved from moved`;
  }

  append(event: EnvelopeBase, topic: string): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, topic, resolve, reject });
      // Flushed after the current task: a batch's appends all land in the queue first and
      // go in one round, not its first event alone and the rest in the next.
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }

  /** Appends a batch (a consumer's, in offset order): committed in as few statements as chains. */
  appendAll(items: readonly { event: EnvelopeBase; topic: string }[]): Promise<AppendOutcome[]> {
    return Promise.all(items.map(({ event, topic }) => this.append(event, topic)));
  }

  private async flush(): Promise<void> {
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
        // One write per chain, in parallel: each moves one head, so none can deadlock.
        await Promise.all([...byChain].map(([chain, items]) => this.commitChain(chain, items)));
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commitChain(chain: string, items: Pending[]): Promise<void> {
    try {
      const outcomes = await this.appendChain(chain, items);
      items.forEach((item, i) => item.resolve(outcomes[i]));
    } catch (error) {
      // The database is down or slow: fail them all now (the bus retries each).
      // A data error: find the one event at fault, one statement each.
      if (isDataError(error)) for (const item of items) await this.appendAlone(item);
      else items.forEach((item) => item.reject(error));
    }
  }

  private async appendAlone(item: Pending): Promise<void> {
    try {
      const [outcome] = await this.appendChain(indexFields(item.event).chain, [item]);
      item.resolve(outcome);
    } catch (error) {
      // The same event id logged in another chain (a producer bug): still logged once.
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) item.resolve('duplicate');
      else item.reject(error);
    }
  }

  /**
   * Appends one chain's share of a batch, in order, in two statements: one reads the head,
   * the org's log level and which ids are logged already; the entries are linked and hashed
   * here; one statement then moves the head, only if it is still where it was read, with the
   * entries (and the log settings learnt). When another writer moved it meanwhile, nothing
   * was written: read again and redo. No transaction stays open while JavaScript runs: on
   * PGlite one open transaction holds the only session, and under HTTP load the services'
   * thread took ~100 ms between two statements of one (issue 17 item 8, docs/benchmarks.md).
   */
  private async appendChain(
    chain: string,
    items: readonly { event: EnvelopeBase; topic: string }[],
  ): Promise<AppendOutcome[]> {
    for (;;) {
      const [row] = (await this.dataSource.query(this.readSql, [
        chain,
        items.map((i) => i.event.id),
      ])) as ChainRow[];
      const head = { position: Number(row.position ?? 0), hash: row.hash ?? GENESIS_HASH };
      const linked = this.link(items, head, new Set(row.seen), {
        level: row.log_level ?? DEFAULT_LOG_LEVEL,
        version: row.policy_version ?? 0,
      });
      if (linked.entries.length === 0) return linked.outcomes;
      const last = linked.entries[linked.entries.length - 1];
      const [moved] = (await this.dataSource.query(this.writeSql, [
        chain,
        head.position,
        head.hash,
        last.position,
        last.hash,
        JSON.stringify(linked.entries),
        JSON.stringify(linked.settings ? [linked.settings] : []),
      ])) as { moved: number }[];
      if (moved.moved === 1) return linked.outcomes;
    }
  }

  /**
   * Links the events after `head`, in order: skips ids logged already (or twice in the batch),
   * applies the log level an active `policy.published` sets from its own entry on (a late,
   * older version does not), seals each entry. `settings`: the newest learnt, to save.
   */
  private link(
    items: readonly { event: EnvelopeBase; topic: string }[],
    head: { position: number; hash: string },
    seen: Set<string>,
    log: { level: LogLevel; version: number },
  ): { outcomes: AppendOutcome[]; entries: HashedEntry[]; settings: OrgLogSettings | null } {
    let { level, version } = log;
    let previous = head;
    let settings: OrgLogSettings | null = null;
    const entries: HashedEntry[] = [];
    const outcomes = items.map(({ event, topic }): AppendOutcome => {
      const learnt = orgLogSettings(event);
      if (learnt && (!settings || learnt.policy_version >= settings.policy_version))
        settings = learnt;
      if (seen.has(event.id)) return 'duplicate';
      seen.add(event.id);
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
    return { outcomes, entries, settings };
  }
}

/** What `readSql` answers for a chain (nulls: no head or no settings yet). */
interface ChainRow {
  position: string | null;
  hash: string | null;
  log_level: LogLevel | null;
  policy_version: number | null;
  seen: string[];
}
