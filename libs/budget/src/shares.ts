/**
 * What one replica sees of one budget counter, split by who holds it (spent + reserved).
 * Amounts are integer micro-dollars (or request counts, for rate limits).
 */
export interface ShareView {
  limit_micro_usd: number;
  /** This replica's own usage (known exactly: no lag). */
  own_micro_usd: number;
  /** Each other live replica's usage, as folded from its events so far. */
  peers_micro_usd: readonly number[];
  /** Usage of replicas no longer live (they stopped admitting; all of it has arrived). */
  gone_micro_usd: number;
  /** Usage not attributed to any replica (the ledger snapshot a restarted replica started from). */
  unattributed_micro_usd: number;
}

/**
 * The most this replica may hold on the counter: its share of the budget among the `N` live
 * replicas (docs/budgets.md, "Cluster-wide: shares near the limit"):
 *
 *   base  = ⌊(limit − gone − unattributed) / N⌋          the equal share
 *   bound = ⌊(limit − gone) / N⌋                          no peer's equal share is larger
 *   share = min(base, limit − gone − unattributed − Σ_peers max(peer, bound))
 *
 * A replica admits `a` only if `own + a ≤ share`. When every replica sees the same live set,
 * every peer holds at most its share (≤ bound) or what it held before a share shrank (seen
 * here), so the shares sum to at most what is left: the replicas together never pass the
 * limit, whatever the lag between them. Pure; `replicaShare` with one replica is `limit − others`.
 */
export function replicaShare(v: ShareView): number {
  const n = v.peers_micro_usd.length + 1;
  const free = v.limit_micro_usd - v.gone_micro_usd - v.unattributed_micro_usd;
  const base = Math.floor(free / n);
  const bound = Math.floor((v.limit_micro_usd - v.gone_micro_usd) / n);
  let claimed = 0;
  for (const p of v.peers_micro_usd) claimed += Math.max(p, bound);
  return Math.min(base, free - claimed);
}
