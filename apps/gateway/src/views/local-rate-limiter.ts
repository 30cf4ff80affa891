import { DEFAULT_LAG_MS, fitsLagShare, RecentAdmissions, type ReplicaSet } from '@llmgov/budget';
import type { RateBucket, RateDecision, RateLimiter } from '@llmgov/chain';

interface Window {
  start: number;
  count: number;
  /** This replica's admissions within the last propagation lag (cluster mode only). */
  recent: RecentAdmissions | null;
}

/**
 * Fixed windows aligned to the epoch (minutes; UTC days for the daily quota), counted in
 * this replica, with peers' admitted requests folded in (`record`). With live peers (`replicas`),
 * each replica admits within one propagation lag at most its lag share of what is left of a
 * window (`fitsLagShare`, as for budgets), so the replicas together admit at most the limit plus
 * one request each (docs/budgets.md). Alone, it admits up to the limit.
 */
export class LocalRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(
    private readonly replicas?: ReplicaSet,
    private readonly lagMs: number = DEFAULT_LAG_MS,
  ) {}

  check(buckets: readonly RateBucket[], nowMs: number, commit: boolean): RateDecision {
    let tightest: RateBucket | null = null;
    let remaining = Number.POSITIVE_INFINITY;
    let reset = 0;
    const n = this.replicas ? this.replicas.size(nowMs) : 1;
    const blind = this.replicas?.blindSince(nowMs);
    for (const b of buckets) {
      const w = this.window(b, nowMs);
      const left = b.limit - w.count;
      const resetMs = w.start + b.window_ms - nowMs;
      if (left <= 0) return { allowed: false, bucket: b, remaining: 0, reset_ms: resetMs };
      const own = n > 1 && w.recent ? w.recent.sum(nowMs, blind) : 0;
      if (!fitsLagShare(own, 1, left, n)) {
        // Its lag share is used up, not the window: it frees up within a quarter lag.
        const frees = Math.min(resetMs, w.recent!.freesInMs(nowMs));
        return { allowed: false, bucket: b, remaining: 0, reset_ms: frees, share_replicas: n };
      }
      if (b.window_ms <= 60_000 && left < remaining) {
        tightest = b;
        remaining = left;
        reset = resetMs;
      }
    }
    if (commit) {
      for (const b of buckets) {
        const w = this.window(b, nowMs);
        w.count++;
        if (this.replicas) (w.recent ??= new RecentAdmissions(this.lagMs)).add(nowMs, 1, blind);
      }
    }
    if (nowMs - this.lastSweep > 60_000) this.sweep(nowMs);
    return {
      allowed: true,
      bucket: tightest,
      remaining: tightest ? remaining - (commit ? 1 : 0) : 0,
      reset_ms: reset,
    };
  }

  /** Counts a request a peer (`replica_id`) admitted at `atMs` (cluster-wide limits). */
  record(buckets: readonly RateBucket[], atMs: number): void {
    for (const b of buckets) {
      const w = this.window(b, atMs);
      if (w.start === Math.floor(atMs / b.window_ms) * b.window_ms) w.count++;
    }
  }

  private window(b: RateBucket, nowMs: number): Window {
    const start = Math.floor(nowMs / b.window_ms) * b.window_ms;
    const id = `${b.key}|${b.window_ms}`;
    let w = this.windows.get(id);
    if (!w || w.start < start) {
      w = { start, count: 0, recent: null };
      this.windows.set(id, w);
    }
    return w;
  }

  private sweep(nowMs: number): void {
    this.lastSweep = nowMs;
    for (const [id, w] of this.windows)
      if (
        nowMs - w.start > 2 * 86_400_000 ||
        (w.start + 120_000 < nowMs && !id.endsWith('|86400000'))
      )
        this.windows.delete(id);
  }
}
