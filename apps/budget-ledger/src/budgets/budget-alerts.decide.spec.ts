import { budgetTopic } from '@llmgov/events';
import type { BudgetLimit } from '@llmgov/budget';
import { alertEvent, reachedAlerts } from './budget-alerts.decide';

const limit: BudgetLimit = {
  org_id: 'org_a',
  scope: 'team',
  scope_id: 'team_t',
  period: 'day',
  period_start: '2026-03-14T00:00:00.000Z',
  limit_micro_usd: 10_000_000,
  code: 'daily_budget',
  policy_id: null,
  label: 'team team_t daily budget',
};

describe('budget alerts', () => {
  it.each([
    [0, []],
    [4_999_999, []],
    [5_000_000, [50]],
    [8_000_000, [50, 80]],
    [10_000_000, [50, 80, 100]],
    [10_000_001, [50, 80, 100, 'exceeded']],
  ])('given %p spent of $10, then the reached alerts are %p', (spent, alerts) => {
    expect(reachedAlerts(limit, spent)).toEqual(alerts);
  });

  it('given a zero budget, then the first spend reaches every threshold and exceeds it', () => {
    expect(reachedAlerts({ ...limit, limit_micro_usd: 0 }, 1)).toEqual([50, 80, 100, 'exceeded']);
    expect(reachedAlerts({ ...limit, limit_micro_usd: 0 }, 0)).toEqual([]);
  });

  it('builds events valid on the budget alerts topic', () => {
    const now = new Date('2026-03-14T10:00:00.000Z');
    for (const kind of [50, 80, 100, 'exceeded'] as const) {
      const event = alertEvent(limit, kind, 10_000_001, 'req_1', `evt_${kind}`, now);
      expect(budgetTopic.schema.parse(event)).toEqual(event);
    }
    expect(alertEvent(limit, 'exceeded', 10_000_001, 'req_1', 'evt_x', now)).toMatchObject({
      type: 'budget.exceeded',
      subject: 'org_a',
      data: { request_id: 'req_1', scope: 'team' },
    });
  });
});
