import { DEFAULT_LAG_MS } from './shares';

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
  /**
   * An own heartbeat not back after this long makes the replica blind (`blindSince`); default
   * half the default propagation lag. The gateway passes half of `REPLICA_LAG_MS`.
   */
  blind_after_ms?: number;
}

/**
 * The live gateway replicas as one replica sees them, folded from `replica.heartbeat` events
 * (pure: the caller passes the time each heartbeat was received and the time of each query,
 * so clocks of other machines never matter). Budget and rate-limit shares are split over it.
 */
export class ReplicaSet {
  readonly self: string;
  readonly timeoutMs: number;
  private readonly blindAfterMs: number;
  private readonly lastSeen = new Map<string, number>();
  /** When own heartbeats not yet come back were sent (local clock), oldest first. */
  private readonly unechoed: number[] = [];
  /** The last `live` answer, valid for queries in [from, until): admission asks on every request. */
  private cached: { list: string[]; from: number; until: number } | null = null;

  constructor(options: ReplicaSetOptions) {
    this.self = options.self;
    this.timeoutMs = options.timeout_ms ?? DEFAULT_REPLICA_TIMEOUT_MS;
    this.blindAfterMs = options.blind_after_ms ?? DEFAULT_LAG_MS / 2;
  }

  /** This replica sent a heartbeat stamped `sentAtMs` (whether or not the send succeeds). */
  sent(sentAtMs: number): void {
    this.unechoed.push(sentAtMs);
    // A long outage: keep the oldest (it dates the blindness) and the newest few thousand.
    if (this.unechoed.length > 4_096) this.unechoed.splice(1, 1_024);
  }

  /**
   * Its own heartbeat stamped `sentAtMs` came back through the bus: what it published until
   * then has reached the bus's consumers, its peers among them. Earlier ones that never came
   * back (a failed send) are passed too.
   */
  echoed(sentAtMs: number): void {
    let n = 0;
    while (n < this.unechoed.length && this.unechoed[n] <= sentAtMs) n++;
    if (n > 0) {
      this.unechoed.splice(0, n);
      this.cached = null;
    }
  }

  /**
   * Since when this replica is **blind** at `nowMs`: the send time of its oldest heartbeat not
   * back within `blind_after_ms` — a broker outage or a stalled partition. Its own events
   * since then may not have reached its peers, and theirs may not have reached it, so until
   * the heartbeat comes back (docs/budgets.md, "Blind replicas"):
   * - its lag share counts all it admitted since then, not only the last lag;
   * - its peers stay live as they were then: silence in an outage is not a departure, and a
   *   replica that took its peers for gone would take the whole budget for itself.
   * Undefined when its view is fresh.
   */
  blindSince(nowMs: number): number | undefined {
    const oldest = this.unechoed[0];
    return oldest !== undefined && nowMs - oldest > this.blindAfterMs ? oldest : undefined;
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

  /** Is this replica live at `nowMs` (blind: as it was when the blindness began)? */
  isLive(replica_id: string, nowMs: number): boolean {
    if (replica_id === this.self) return true;
    const seen = this.lastSeen.get(replica_id);
    return seen !== undefined && this.asOf(nowMs) - seen < this.timeoutMs;
  }

  /** The live replicas at `nowMs`, this one included, sorted (every replica computes the same list). */
  live(nowMs: number): readonly string[] {
    const blind = this.blindSince(nowMs);
    if (blind !== undefined) return this.liveAt(blind);
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

  /** Blind: peers live when the blindness began, or heard from since (not cached: rare). */
  private liveAt(sinceMs: number): readonly string[] {
    const out = [this.self];
    for (const [id, seen] of this.lastSeen) if (sinceMs - seen < this.timeoutMs) out.push(id);
    return out.sort();
  }

  private asOf(nowMs: number): number {
    return this.blindSince(nowMs) ?? nowMs;
  }

  /** How many replicas are live at `nowMs` (at least 1: this one). */
  size(nowMs: number): number {
    return this.live(nowMs).length;
  }
}
