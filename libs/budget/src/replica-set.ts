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

  constructor(options: ReplicaSetOptions) {
    this.self = options.self;
    this.timeoutMs = options.timeout_ms ?? DEFAULT_REPLICA_TIMEOUT_MS;
  }

  /** A heartbeat of `replica_id` received at `atMs` (local clock). Own heartbeats change nothing. */
  heartbeat(replica_id: string, atMs: number): void {
    if (replica_id === this.self) return;
    if ((this.lastSeen.get(replica_id) ?? -Infinity) < atMs) this.lastSeen.set(replica_id, atMs);
  }

  /** Is this replica live at `nowMs`? */
  isLive(replica_id: string, nowMs: number): boolean {
    if (replica_id === this.self) return true;
    const seen = this.lastSeen.get(replica_id);
    return seen !== undefined && nowMs - seen < this.timeoutMs;
  }

  /** The live replicas at `nowMs`, this one included, sorted (every replica computes the same list). */
  live(nowMs: number): string[] {
    const out = [this.self];
    for (const [id, seen] of this.lastSeen) {
      if (nowMs - seen < this.timeoutMs) out.push(id);
      else if (nowMs - seen > 10 * this.timeoutMs) this.lastSeen.delete(id);
    }
    return out.sort();
  }

  /** How many replicas are live at `nowMs` (at least 1: this one). */
  size(nowMs: number): number {
    let n = 1;
    for (const seen of this.lastSeen.values()) if (nowMs - seen < this.timeoutMs) n++;
    return n;
  }
}
