/** Defaults for replica heartbeats (`REPLICA_HEARTBEAT_MS`, `REPLICA_TIMEOUT_MS`). */
export const DEFAULT_HEARTBEAT_MS = 1_000;
export const DEFAULT_REPLICA_TIMEOUT_MS = 3_000;

export interface ReplicaSetOptions {
  /** This replica: always live in its own view. */
  self: string;
  /**
   * A peer not heard from for this long is gone. It must exceed the heartbeat interval plus
   * the propagation lag, so that a gone peer's last admissions have reached us (docs/budgets.md).
   */
  timeout_ms?: number;
}

/**
 * The live gateway replicas as one replica sees them, folded from `replica.heartbeat` events
 * (pure: the caller passes the time each heartbeat was received and the time of each query,
 * so clocks of other machines never matter). Budget and rate-limit shares are split over it.
 */
export class ReplicaSet {
  readonly self: string;
  readonly timeoutMs: number;
  private readonly lastSeen = new Map<string, number>();
  /** The last `live` answer, valid for queries in [from, until): admission asks on every request. */
  private cached: { list: string[]; from: number; until: number } | null = null;

  constructor(options: ReplicaSetOptions) {
    this.self = options.self;
    this.timeoutMs = options.timeout_ms ?? DEFAULT_REPLICA_TIMEOUT_MS;
  }

  /** A heartbeat of `replica_id` received at `atMs` (local clock). Own heartbeats change nothing. */
  heartbeat(replica_id: string, atMs: number): void {
    if (replica_id === this.self) return;
    const seen = this.lastSeen.get(replica_id);
    if (seen !== undefined && seen >= atMs) return;
    this.lastSeen.set(replica_id, atMs);
    // A live peer beating again only extends the cached answer's validity (kept conservative); anything else changes it.
    if (
      this.cached &&
      !(seen !== undefined && this.cached.list.includes(replica_id) && atMs - seen < this.timeoutMs)
    )
      this.cached = null;
  }

  /** Is this replica live at `nowMs`? */
  isLive(replica_id: string, nowMs: number): boolean {
    if (replica_id === this.self) return true;
    const seen = this.lastSeen.get(replica_id);
    return seen !== undefined && nowMs - seen < this.timeoutMs;
  }

  /** The live replicas at `nowMs`, this one included, sorted (every replica computes the same list). */
  live(nowMs: number): readonly string[] {
    const c = this.cached;
    if (c && nowMs >= c.from && nowMs < c.until) return c.list;
    const out = [this.self];
    let from = -Infinity;
    let until = Infinity;
    for (const [id, seen] of this.lastSeen) {
      if (nowMs - seen < this.timeoutMs) {
        out.push(id);
        until = Math.min(until, seen + this.timeoutMs);
      } else if (nowMs - seen > 10 * this.timeoutMs) this.lastSeen.delete(id);
      else from = Math.max(from, seen + this.timeoutMs);
    }
    out.sort();
    this.cached = { list: out, from: Math.max(from, nowMs), until };
    return out;
  }

  /** How many replicas are live at `nowMs` (at least 1: this one). */
  size(nowMs: number): number {
    return this.live(nowMs).length;
  }
}
