import { completedEvent } from '@llmgov/budget';
import { spendRowsFor } from './spend-rows';

describe('spendRowsFor', () => {
  it('given a completed request, then it adds its cost to every scope, its model and tags, for the day and month it started', () => {
    const at = new Date('2026-03-31T23:59:59.000Z');
    const event = completedEvent('req_1', 1234, 'r1', at, {
      org_id: 'org_a',
      team_id: 'team_t',
      key_id: 'key_k',
      agent_id: null,
      session_id: 'sess_1',
    });
    event.data.tags = ['billing', 'billing', 'eu'];
    const rows = spendRowsFor(event.data).map(
      (r) =>
        `${r.dimension}:${r.dimension_id} ${r.period}@${r.period_start.slice(0, 10)} ${r.cost_micro_usd}`,
    );
    expect(rows).toEqual([
      'org:org_a day@2026-03-31 1234',
      'org:org_a month@2026-03-01 1234',
      'team:team_t day@2026-03-31 1234',
      'team:team_t month@2026-03-01 1234',
      'key:key_k day@2026-03-31 1234',
      'key:key_k month@2026-03-01 1234',
      'session:sess_1 session@1970-01-01 1234',
      'model:gpt-4o day@2026-03-31 1234',
      'model:gpt-4o month@2026-03-01 1234',
      'tag:billing day@2026-03-31 1234',
      'tag:billing month@2026-03-01 1234',
      'tag:eu day@2026-03-31 1234',
      'tag:eu month@2026-03-01 1234',
    ]);
  });

  it('given a completed request with an end user, then its cost is also spend of that user, per day and month', () => {
    const at = new Date('2026-03-31T12:00:00.000Z');
    const p = { org_id: 'org_a', team_id: null, key_id: 'key_k', agent_id: null, session_id: null };
    const event = completedEvent('req_2', 50, 'r1', at, p);
    event.data.end_user = 'user-42';
    const rows = spendRowsFor(event.data).filter((r) => r.dimension === 'user');
    const shown = rows.map(
      (r) => `${r.dimension_id} ${r.period}@${r.period_start.slice(0, 10)} ${r.cost_micro_usd}`,
    );
    expect(shown).toEqual(['user-42 day@2026-03-31 50', 'user-42 month@2026-03-01 50']);
    event.data.end_user = null;
    expect(spendRowsFor(event.data).some((r) => r.dimension === 'user')).toBe(false);
  });
});
