import type { DataSource, EntityManager } from 'typeorm';
import type { HashedEntry } from '../chain/entry';
import type { ChainAnchor } from '../chain/verify';
import type { Checkpoint } from '../retention/checkpoint';
import { fromRow, type EntryRow } from '../persistence/entry-row';
import type { Bound, ListQuery } from './list-query';

const FILTERS = [
  'type',
  'agent_id',
  'key_id',
  'model',
  'step',
  'code',
  'actor',
  'request_id',
  'policy_version',
] as const;

/** Read side of the log: filtered pages, single entries, and position-ordered batches. */
export class AuditLogReader {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource | EntityManager,
    private readonly schema: string,
  ) {
    this.s = `"${schema}"`;
  }

  /**
   * Runs `fn` with a reader whose every query sees one snapshot of the database (a read-only
   * REPEATABLE READ transaction): what several statements read together (range, entries,
   * head) is consistent however the chain grows meanwhile.
   */
  snapshot<T>(fn: (reader: AuditLogReader) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('set transaction read only');
      return fn(new AuditLogReader(manager, this.schema));
    });
  }

  /** Newest first; `cursor` is the position of the last entry of the previous page. */
  async list(
    chain: string,
    query: ListQuery,
    limit: number,
  ): Promise<{ items: HashedEntry[]; nextCursor: string | null }> {
    const where = ['chain = $1'];
    const params: unknown[] = [chain];
    for (const field of FILTERS) {
      if (query[field] === undefined) continue;
      params.push(query[field]);
      where.push(`${field} = $${params.length}`);
    }
    if (query.from) where.push(`time >= $${params.push(query.from)}`);
    if (query.to) where.push(`time < $${params.push(query.to)}`);
    if (query.cursor !== undefined) where.push(`position < $${params.push(query.cursor)}`);
    params.push(limit + 1);
    const rows = (await this.dataSource.query(
      `select * from ${this.s}.audit_entries where ${where.join(' and ')} order by position desc limit $${params.length}`,
      params,
    )) as EntryRow[];
    const items = rows.slice(0, limit).map(fromRow);
    return {
      items,
      nextCursor: rows.length > limit ? String(items[items.length - 1].position) : null,
    };
  }

  async byEventId(eventId: string): Promise<HashedEntry | null> {
    const [row] = (await this.dataSource.query(
      `select * from ${this.s}.audit_entries where event_id = $1`,
      [eventId],
    )) as EntryRow[];
    return row ? fromRow(row) : null;
  }

  /** The positions a range covers: positions as given, times on `recorded_at`. */
  async positionRange(
    chain: string,
    from?: Bound,
    to?: Bound,
  ): Promise<{ first: number; last: number }> {
    const first =
      from === undefined ? 1 : typeof from === 'number' ? from : await this.firstAt(chain, from);
    const last =
      to === undefined
        ? Number.MAX_SAFE_INTEGER
        : typeof to === 'number'
          ? to
          : (await this.firstAt(chain, to)) - 1;
    return { first, last };
  }

  private async firstAt(chain: string, time: Date): Promise<number> {
    const [row] = (await this.dataSource.query(
      `select min(position) as p from ${this.s}.audit_entries where chain = $1 and recorded_at >= $2`,
      [chain, time],
    )) as { p: string | null }[];
    return row.p === null ? Number.MAX_SAFE_INTEGER : Number(row.p);
  }

  /**
   * Entries of a chain in position order, fetched in keyset batches: memory stays at one
   * batch whatever the length, and rows appended meanwhile do not shift what is read.
   */
  async *scan(
    chain: string,
    first: number,
    last: number,
    batchSize = 1000,
  ): AsyncGenerator<HashedEntry> {
    let after = first - 1;
    for (;;) {
      const rows = (await this.dataSource.query(
        `select * from ${this.s}.audit_entries where chain = $1 and position > $2 and position <= $3 order by position limit $4`,
        [chain, after, last, batchSize],
      )) as EntryRow[];
      for (const row of rows) yield fromRow(row);
      if (rows.length < batchSize) return;
      after = Number(rows[rows.length - 1].position);
    }
  }

  async head(chain: string): Promise<ChainAnchor | null> {
    const [row] = (await this.dataSource.query(
      `select position, hash from ${this.s}.audit_chain_heads where chain = $1`,
      [chain],
    )) as { position: string; hash: string }[];
    return row ? { position: Number(row.position), hash: row.hash } : null;
  }

  async entryAt(chain: string, position: number): Promise<HashedEntry | null> {
    const [row] = (await this.dataSource.query(
      `select * from ${this.s}.audit_entries where chain = $1 and position = $2`,
      [chain, position],
    )) as EntryRow[];
    return row ? fromRow(row) : null;
  }

  /** The latest checkpoint at or before `position` (the newest when omitted). */
  async checkpoint(chain: string, position = Number.MAX_SAFE_INTEGER): Promise<Checkpoint | null> {
    const [row] = (await this.dataSource.query(
      `select * from ${this.s}.audit_checkpoints where chain = $1 and position <= $2 order by position desc limit 1`,
      [chain, position],
    )) as (Omit<Checkpoint, 'position' | 'pruned' | 'created_at'> & {
      position: string;
      pruned: string;
      created_at: Date;
    })[];
    if (!row) return null;
    return {
      ...row,
      position: Number(row.position),
      pruned: Number(row.pruned),
      created_at: new Date(row.created_at).toISOString(),
    };
  }

  async trustedPublicKeys(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `select public_key from ${this.s}.audit_signing_keys`,
    )) as { public_key: string }[];
    return rows.map((r) => r.public_key);
  }
}
