import { spendKey, sumSpendRows } from './spend-batch';
import type { SpendRow } from './spend-rows';

const row = (
  dimension: SpendRow['dimension'],
  dimension_id: string,
  cost: number,
  org_id = 'org_a',
): SpendRow => ({
  org_id,
  dimension,
  dimension_id,
  period: 'day',
  period_start: '2026-03-14T00:00:00.000Z',
  cost_micro_usd: cost,
});

describe('sumSpendRows', () => {
  it('sums the rows of several requests per counter and counts the requests', () => {
    const sums = sumSpendRows([
      [row('org', 'org_a', 5), row('team', 't1', 5)],
      [row('org', 'org_a', 7), row('team', 't2', 7)],
    ]);
    expect(sums).toEqual([
      { ...row('org', 'org_a', 12), requests: 2 },
      { ...row('team', 't1', 5), requests: 1 },
      { ...row('team', 't2', 7), requests: 1 },
    ]);
  });

  it('orders counters by key whatever the order of the requests (one lock order for every writer)', () => {
    const a = sumSpendRows([[row('org', 'org_b', 1, 'org_b')], [row('org', 'org_a', 1)]]);
    const b = sumSpendRows([[row('org', 'org_a', 1)], [row('org', 'org_b', 1, 'org_b')]]);
    expect(a.map(spendKey)).toEqual(b.map(spendKey));
    expect(a.map((r) => r.org_id)).toEqual(['org_a', 'org_b']);
  });

  it('keys a counter by the instant of its period start, however it is spelled', () => {
    expect(
      spendKey({ ...row('org', 'org_a', 1), period_start: new Date('2026-03-14T00:00:00Z') }),
    ).toBe(spendKey(row('org', 'org_a', 1)));
  });
});
