/** The smallest step a stream's reservation grows by (micro-dollars): $0.0001. */
export const MIN_GROWTH_STEP_MICRO_USD = 100;

/**
 * What a stream may spend, reserved from the replica's shared reservation book as it goes.
 * The reservation made at admission covers the first part of the answer; past it, `covers`
 * grows the reservation by a step (the admission reservation, at least $0.0001) or, when a
 * whole step no longer fits, by just what the next event needs. Every growth is all or nothing
 * against every budget in one turn of the event loop, so concurrent streams of a replica never
 * together reserve past a budget: a stream whose next event does not fit is cut before it.
 */
export class StreamBudget {
  private readonly step: number;

  constructor(
    private reserved: number,
    /** Grows the request's reservation to this total, or answers false when a budget has no room. */
    private readonly grow: (totalMicroUsd: number) => boolean,
  ) {
    this.step = Math.max(reserved, MIN_GROWTH_STEP_MICRO_USD);
  }

  /** What the stream holds now. */
  get reservedMicroUsd(): number {
    return this.reserved;
  }

  /** Whether a running cost fits what is reserved, growing the reservation when it must. */
  covers(costMicroUsd: number): boolean {
    if (costMicroUsd <= this.reserved) return true;
    const stepped = Math.max(costMicroUsd, this.reserved + this.step);
    if (this.grow(stepped)) {
      this.reserved = stepped;
      return true;
    }
    if (stepped > costMicroUsd && this.grow(costMicroUsd)) {
      this.reserved = costMicroUsd;
      return true;
    }
    return false;
  }
}
