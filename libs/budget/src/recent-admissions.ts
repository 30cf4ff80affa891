/**
 * What this replica admitted on one counter within the last lag — what its peers may not
 * have seen yet. Kept in `SLOTS` buckets of a quarter lag each: the sum covers at least the
 * last lag (up to a quarter more: counting more keeps the lag share conservative), and a
 * full share frees up within a quarter lag. Pure: the caller passes the time.
 */
export class RecentAdmissions {
  private static readonly SLOTS = 5;
  private readonly sums = new Float64Array(RecentAdmissions.SLOTS);
  private readonly slotOf = new Float64Array(RecentAdmissions.SLOTS).fill(-Infinity);
  private readonly widthMs: number;
  /** The sum as of `totalSlot` (admission is checked on every request: recounted once per slot). */
  private total = 0;
  private totalSlot = -Infinity;

  constructor(lagMs: number) {
    this.widthMs = Math.max(1, Math.ceil(lagMs / (RecentAdmissions.SLOTS - 1)));
  }

  add(nowMs: number, amount: number): void {
    const slot = Math.floor(nowMs / this.widthMs);
    const i = slot % RecentAdmissions.SLOTS;
    if (this.slotOf[i] !== slot) {
      this.slotOf[i] = slot;
      this.sums[i] = 0;
    }
    this.sums[i] += amount;
    if (slot === this.totalSlot) this.total += amount;
    else this.totalSlot = -Infinity;
  }

  /** Admitted within the last lag (and up to a quarter lag before). */
  sum(nowMs: number): number {
    const slot = Math.floor(nowMs / this.widthMs);
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

  /** Nothing admitted within the window: the entry can be forgotten. */
  idle(nowMs: number): boolean {
    return this.sum(nowMs) === 0;
  }
}
