import { ReservationBook, type BudgetLimit, type BudgetPrincipal } from '@llmgov/budget';
import type { BudgetGate, ReserveResult } from '@llmgov/chain';

/** How long a reservation lives if its request never settles (the holder died). */
export const RESERVATION_TTL_MS = 10 * 60_000;

/** The chain's budget port over `@llmgov/budget`'s ReservationBook (one per replica). */
export class BookBudgetGate implements BudgetGate {
  constructor(readonly book: ReservationBook) {}

  reserve(
    requestId: string,
    principal: BudgetPrincipal,
    limits: readonly BudgetLimit[],
    amount: number,
    now: Date,
    commit: boolean,
  ): ReserveResult {
    const r = commit
      ? this.book.reserve({
          request_id: requestId,
          principal,
          limits,
          amount_micro_usd: amount,
          at: now,
          expires_at: new Date(now.getTime() + RESERVATION_TTL_MS),
        })
      : (this.book.check(limits, amount, now.getTime()) ?? { ok: true as const });
    if (r.ok) return r;
    const refused: ReserveResult = {
      ok: false,
      limit: r.limit,
      spent_micro_usd: r.spent_micro_usd,
      remaining_micro_usd: r.remaining_micro_usd,
    };
    // This replica's lag share is used up but the budget is not: it frees up within a quarter lag.
    return r.share
      ? {
          ...refused,
          share_replicas: r.share.replicas,
          retry_after_s: Math.max(1, Math.ceil(r.share.retry_after_ms / 1000)),
        }
      : refused;
  }

  settle(requestId: string, actual: number, now: Date): void {
    this.book.settle(requestId, actual, undefined, now.getTime());
  }

  release(requestId: string): void {
    this.book.release(requestId);
  }

  grow(requestId: string, limits: readonly BudgetLimit[], totalMicroUsd: number): boolean {
    return this.book.grow(requestId, limits, totalMicroUsd, Date.now());
  }

  used(limit: BudgetLimit): number {
    const s = this.book.status(limit);
    return s.spent_micro_usd + s.reserved_micro_usd;
  }
}
