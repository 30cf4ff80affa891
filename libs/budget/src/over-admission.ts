/**
 * The cluster-wide over-admission bound (docs/budgets.md): a replica decides on its own
 * reservations at once and on a peer's after the propagation lag `L`. The last request
 * admitted before a budget runs out saw everything but what peers admitted in the last
 * `L`, so the reserved total passes the limit by at most what peers admit in one lag
 * window: `R_peers × L × a_max`.
 */
export function overAdmissionBoundMicroUsd(input: {
  /** Admissions per second by all replicas but one (the cluster rate × (N−1)/N when even). */
  peer_admissions_per_s: number;
  /** Worst publish → fold-in lag between replicas, in milliseconds. */
  propagation_lag_ms: number;
  /** The largest single reservation. */
  max_reservation_micro_usd: number;
}): number {
  const inWindow = Math.ceil((input.peer_admissions_per_s * input.propagation_lag_ms) / 1000);
  return inWindow * input.max_reservation_micro_usd;
}
