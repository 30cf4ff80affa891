import { replicaShare, type ReplicaSet } from '@llmgov/budget';
import type { RateBucket, RateDecision, RateLimiter } from '@llmgov/chain';

interface Window {
  start: number;
  count: number;
  /** Requests per replica in this window (own and peers'): what each replica's share is checked against. */
  by: Map<string, number>;
}

/** Peers' requests whose replica is not known (none today: every event names its replica). */
const UNKNOWN = '';

/**
 * Fixed windows aligned to the epoch (minutes; UTC days for the daily quota), counted in
 * this replica, with peers' admitted requests folded in (`record`). With live peers (`replicas`),
 * each replica admits at most its share of a window (`replicaShare`, as for budgets: the live
 * replicas together never pass a limit; docs/budgets.md). Alone, it admits up to the limit.
 */
export class LocalRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(private readonly replicas?: ReplicaSet) {}

  check(buckets: readonly RateBucket[], nowMs: number, commit: boolean): RateDecision {
    let tightest: RateBucket | null = null;
    let remaining = Number.POSITIVE_INFINITY;
    let reset = 0;
    const live = this.replicas && this.replicas.size(nowMs) > 1 ? this.replicas.live(nowMs) : null;
    for (const b of buckets) {
      const w = this.window(b, nowMs);
      let left = b.limit - w.count;
      if (live && left > 0) left = Math.min(left, this.shareLeft(b, w, live));
      const resetMs = w.start + b.window_ms - nowMs;
      if (left <= 0) return { allowed: false, bucket: b, remaining: 0, reset_ms: resetMs };
      if (b.window_ms <= 60_000 && left < remaining) {
        tightest = b;
        remaining = left;
        reset = resetMs;
      }
    }
    if (commit) {
      const self = this.replicas?.self ?? UNKNOWN;
      for (const b of buckets) {
        const w = this.window(b, nowMs);
        w.count++;
        w.by.set(self, (w.by.get(self) ?? 0) + 1);
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
  record(buckets: readonly RateBucket[], atMs: number, replica_id: string = UNKNOWN): void {
    for (const b of buckets) {
      const w = this.window(b, atMs);
      if (w.start === Math.floor(atMs / b.window_ms) * b.window_ms) {
        w.count++;
        w.by.set(replica_id, (w.by.get(replica_id) ?? 0) + 1);
      }
    }
  }

  /** How many more requests this replica may admit in the window: its share less its own count. */
  private shareLeft(b: RateBucket, w: Window, live: readonly string[]): number {
    const self = this.replicas!.self;
    const peers: number[] = [];
    let liveCount = 0;
    for (const id of live) {
      const n = w.by.get(id) ?? 0;
      liveCount += n;
      if (id !== self) peers.push(n);
    }
    const own = w.by.get(self) ?? 0;
    const share = replicaShare({
      limit_micro_usd: b.limit,
      own_micro_usd: own,
      peers_micro_usd: peers,
      gone_micro_usd: w.count - liveCount,
      unattributed_micro_usd: 0,
    });
    return share - own;
  }

  private window(b: RateBucket, nowMs: number): Window {
    const start = Math.floor(nowMs / b.window_ms) * b.window_ms;
    const id = `${b.key}|${b.window_ms}`;
    let w = this.windows.get(id);
    if (!w || w.start < start) {
      w = { start, count: 0, by: new Map() };
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
