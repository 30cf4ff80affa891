/**
 * What this replica admitted on one counter within the last lag — what its peers may not
 * have seen yet. Kept in `SLOTS` buckets of a quarter lag each: the sum covers at least the
 * last lag (up to a quarter more: counting more keeps the lag share conservative), and a
 * full share frees up within a quarter lag. Pure: the caller passes the time.
 *
 * **Blind** (`blindSinceMs`, from `ReplicaSet.blindSince`): the replica's own heartbeat sent
 * then has not come back, so its events since may not have reached its peers either (a broker
 * outage, a stalled partition). Then everything admitted since then counts, however long ago:
 * the slots from that time on, plus what was overwritten in them while blind.
 */
export class RecentAdmissions {
  private static readonly SLOTS = 5;
  private readonly sums = new Float64Array(RecentAdmissions.SLOTS);
  private readonly slotOf = new Float64Array(RecentAdmissions.SLOTS).fill(-Infinity);
  private readonly widthMs: number;
  /** The sum as of `totalSlot` (admission is checked on every request: recounted once per slot). */
  private total = 0;
  private totalSlot = -Infinity;
  /** Admissions since `evictedSince` whose slots were reused while blind since then. */
  private evicted = 0;
  private evictedSince = NaN;

  constructor(lagMs: number) {
    this.widthMs = Math.max(1, Math.ceil(lagMs / (RecentAdmissions.SLOTS - 1)));
  }

  add(nowMs: number, amount: number, blindSinceMs?: number): void {
    const slot = Math.floor(nowMs / this.widthMs);
    const i = slot % RecentAdmissions.SLOTS;
    if (this.slotOf[i] !== slot) {
      if (blindSinceMs !== undefined && this.slotOf[i] >= this.firstBlindSlot(blindSinceMs))
        this.evicted += this.sums[i];
      this.slotOf[i] = slot;
      this.sums[i] = 0;
    }
    this.sums[i] += amount;
    if (slot === this.totalSlot) this.total += amount;
    else this.totalSlot = -Infinity;
  }

  /** Admitted within the last lag (and up to a quarter lag before); blind: since `blindSinceMs`. */
  sum(nowMs: number, blindSinceMs?: number): number {
    const slot = Math.floor(nowMs / this.widthMs);
    if (blindSinceMs !== undefined) {
      const first = Math.min(this.firstBlindSlot(blindSinceMs), slot - RecentAdmissions.SLOTS + 1);
      let total = this.evicted;
      for (let i = 0; i < RecentAdmissions.SLOTS; i++)
        if (this.slotOf[i] >= first && this.slotOf[i] <= slot) total += this.sums[i];
      return total;
    }
    if (slot === this.totalSlot) return this.total;
    const oldest = slot - RecentAdmissions.SLOTS + 1;
    let total = 0;
    for (let i = 0; i < RecentAdmissions.SLOTS; i++)
      if (this.slotOf[i] >= oldest && this.slotOf[i] <= slot) total += this.sums[i];
    this.total = total;
    this.totalSlot = slot;
    return total;
  }

  /** Milliseconds until the oldest admission still counted leaves the window (≤ a quarter lag). */
  freesInMs(nowMs: number): number {
    const slot = Math.floor(nowMs / this.widthMs);
    return (slot + 1) * this.widthMs - nowMs;
  }

  /** Nothing admitted within the window (blind: since `blindSinceMs`): the entry can be forgotten. */
  idle(nowMs: number, blindSinceMs?: number): boolean {
    return this.sum(nowMs, blindSinceMs) === 0;
  }

  /**
   * The first slot a blind sum counts: the one before `blindSinceMs`'s (conservative), and
   * a new blind period starts its overwritten total afresh.
   */
  private firstBlindSlot(blindSinceMs: number): number {
    if (this.evictedSince !== blindSinceMs) {
      this.evictedSince = blindSinceMs;
      this.evicted = 0;
    }
    return Math.floor(blindSinceMs / this.widthMs) - 1;
  }
}
