/** Budget periods: UTC day, UTC month, or the lifetime of a runner session. */
export type BudgetPeriod = 'day' | 'month' | 'session';
export type CalendarPeriod = Exclude<BudgetPeriod, 'session'>;

/** Start of the UTC day or month containing `at`. */
export function periodStart(period: CalendarPeriod, at: Date): Date {
  switch (period) {
    case 'day':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
    case 'month':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
    default: {
      const never: never = period;
      throw new Error(`unknown period ${String(never)}`);
    }
  }
}

/** Start of the next period: when the budget resets (UTC midnight / first of next month). */
export function periodEnd(period: CalendarPeriod, at: Date): Date {
  const start = periodStart(period, at);
  switch (period) {
    case 'day':
      return new Date(start.getTime() + 86_400_000);
    case 'month':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    default: {
      const never: never = period;
      throw new Error(`unknown period ${String(never)}`);
    }
  }
}

let memoDay = Number.NaN;
let memoStarts = { day: '', month: '' };

/**
 * ISO start of the period containing `at`; sessions have no calendar start (the epoch).
 * On the hot path (every reservation), so the last UTC day's answers are remembered.
 */
export function periodStartIso(period: BudgetPeriod, at: Date): string {
  if (period === 'session') return SESSION_PERIOD_START;
  const day = Math.floor(at.getTime() / 86_400_000);
  if (day !== memoDay) {
    memoStarts = {
      day: periodStart('day', at).toISOString(),
      month: periodStart('month', at).toISOString(),
    };
    memoDay = day;
  }
  return memoStarts[period];
}

/** Sessions are not calendar periods; their counters carry this fixed start. */
export const SESSION_PERIOD_START = '1970-01-01T00:00:00.000Z';
