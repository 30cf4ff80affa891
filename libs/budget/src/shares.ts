/** Default bound on the propagation lag between gateway replicas (`REPLICA_LAG_MS`; measured 0.5–0.9 s). */
export const DEFAULT_LAG_MS = 1_000;

/**
 * What one replica may admit on a budget (or rate window) within one propagation lag, when
 * `replicas` are live and it sees `remaining` left: its **lag share**
 *
 *   share = ⌊remaining / (F × N)⌋,  F = 2N + 2
 *
 * Peers learn a replica's admissions only one lag `L` later, so what all replicas can admit
 * unseen by each other is what they admit within one lag: at most a share plus one request
 * each. Far from the limit the share is far above what a replica admits in a lag (a $100
 * budget seen by three replicas: $4.16 per second per replica), so nothing changes: the
 * check is a division and a comparison. Near the limit it shrinks with the remainder, so the
 * replicas' unseen admissions shrink with it (docs/budgets.md, "Cluster-wide": the argument,
 * and the bound it keeps: overspend ≤ one request per replica). Pure; one replica: no share.
 */
export function lagShare(remaining: number, replicas: number): number {
  if (replicas <= 1) return Number.POSITIVE_INFINITY;
  return Math.floor(remaining / ((2 * replicas + 2) * replicas));
}

/**
 * Whether a replica that admitted `ownRecent` on the counter within the last lag may admit
 * `amount` more: always its first request of a lag window (so a request larger than the share
 * still passes, one per replica and lag: the bound's "one request per replica"), else only
 * within its share.
 */
export function fitsLagShare(
  ownRecent: number,
  amount: number,
  remaining: number,
  replicas: number,
): boolean {
  return ownRecent <= 0 || ownRecent + amount <= lagShare(remaining, replicas);
}
