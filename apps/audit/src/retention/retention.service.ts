import type { DataSource } from 'typeorm';
import { cutPosition, signCheckpoint, type SigningKey } from './checkpoint';

export interface RetentionOptions {
  /** Entries per segment: the unit of pruning. */
  segmentSize: number;
  /** Retention of chains whose org published no policy (the platform chain). */
  defaultRetentionDays: number;
}

export interface PruneResult {
  chain: string;
  /** The last pruned position (the checkpoint's). */
  position: number;
  removed: number;
}

const DAY_MS = 86_400_000;

/**
 * Removes whole segments older than the org's `retention_days`, leaving a signed
 * checkpoint (position and hash at the cut) so the rest of the chain still verifies.
 * Checkpoint and delete commit together under the chain head's lock.
 */
export class RetentionService {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly key: SigningKey,
    private readonly options: RetentionOptions,
  ) {
    this.s = `"${schema}"`;
  }

  async run(now: Date): Promise<PruneResult[]> {
    const chains = (await this.dataSource.query(
      `select h.chain, coalesce(o.retention_days, $1) as retention_days from ${this.s}.audit_chain_heads h
       left join ${this.s}.audit_org_settings o on o.chain = h.chain`,
      [this.options.defaultRetentionDays],
    )) as { chain: string; retention_days: number }[];
    const results: PruneResult[] = [];
    for (const { chain, retention_days } of chains) {
      const result = await this.prune(
        chain,
        new Date(now.getTime() - retention_days * DAY_MS),
        now,
      );
      if (result) results.push(result);
    }
    return results;
  }

  private prune(chain: string, cutoff: Date, now: Date): Promise<PruneResult | null> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`select 1 from ${this.s}.audit_chain_heads where chain = $1 for update`, [
        chain,
      ]);
      const [expired] = (await manager.query(
        `select coalesce(max(position), 0) as p from ${this.s}.audit_entries where chain = $1 and recorded_at < $2`,
        [chain, cutoff],
      )) as { p: string }[];
      const [previous] = (await manager.query(
        `select position, pruned from ${this.s}.audit_checkpoints where chain = $1 order by position desc limit 1`,
        [chain],
      )) as { position: string; pruned: string }[];
      const alreadyPruned = previous ? Number(previous.position) : 0;
      const cut = cutPosition(Number(expired.p), this.options.segmentSize, alreadyPruned);
      if (cut === 0) return null;
      const [atCut] = (await manager.query(
        `select hash from ${this.s}.audit_entries where chain = $1 and position = $2`,
        [chain, cut],
      )) as { hash: string }[];
      if (!atCut) return null;
      const checkpoint = signCheckpoint(
        { chain, position: cut, hash: atCut.hash, pruned: cut, created_at: now.toISOString() },
        this.key,
      );
      await manager.query(
        `insert into ${this.s}.audit_checkpoints (chain, position, hash, pruned, created_at, public_key, signature) values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          chain,
          checkpoint.position,
          checkpoint.hash,
          checkpoint.pruned,
          checkpoint.created_at,
          checkpoint.public_key,
          checkpoint.signature,
        ],
      );
      const deleted = (await manager.query(
        `delete from ${this.s}.audit_entries where chain = $1 and position <= $2 and position > $3`,
        [chain, cut, alreadyPruned],
      )) as [unknown, number];
      return { chain, position: cut, removed: deleted[1] };
    });
  }
}
