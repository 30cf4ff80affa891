import type { SpendRow } from './spend-rows';

/**
 * A spend counter's identity: org, dimension and id, period and its start. A start given as
 * a string is taken as `toISOString()` spells it (as `periodStartIso` does): no parse on this
 * hot path (a batch keys every row of every completion).
 */
export const spendKey = (
  r: Pick<SpendRow, 'org_id' | 'dimension' | 'dimension_id' | 'period'> & {
    period_start: string | Date;
  },
): string =>
  `${r.org_id}|${r.dimension}|${r.dimension_id}|${r.period}|${typeof r.period_start === 'string' ? r.period_start : r.period_start.toISOString()}`;

/** What a batch of completions adds to one spend counter. */
export interface SpendIncrement extends SpendRow {
  requests: number;
}

/**
 * Sums the spend rows of a batch of completions per counter, sorted by counter: one upsert
 * then changes each row once, and concurrent writers lock rows in the same order (no
 * deadlock between two batches that share an org).
 */
export function sumSpendRows(rowsPerRequest: readonly (readonly SpendRow[])[]): SpendIncrement[] {
  const byKey = new Map<string, SpendIncrement>();
  for (const rows of rowsPerRequest) {
    for (const row of rows) {
      const key = spendKey(row);
      const sum = byKey.get(key);
      if (sum) {
        sum.cost_micro_usd += row.cost_micro_usd;
        sum.requests++;
      } else byKey.set(key, { ...row, requests: 1 });
    }
  }
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, sum]) => sum);
}
