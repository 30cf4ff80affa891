import { nextReviewDue, requirementFor, reviewStatus, type ReviewRule } from './review-schedule';

const rule = (over: Partial<ReviewRule> & { days: number; on?: 'block' | 'warn' }): ReviewRule => ({
  id: `pol_${over.days}`,
  scope: 'global',
  team_id: null,
  agent_id: null,
  enabled: true,
  config: { review_interval_days: over.days, ...(over.on ? { on_overdue: over.on } : {}) },
  ...over,
});
const agent = { agent_id: 'agt_1', team_id: 'team_1', created_at: '2025-01-01T00:00:00.000Z' };

describe('agent review schedule', () => {
  it.each([
    ['no rules', [], null],
    ['a global rule', [rule({ days: 30 })], 30],
    [
      'the shortest applicable interval',
      [rule({ days: 30 }), rule({ days: 7, scope: 'agent', agent_id: 'agt_1' })],
      7,
    ],
    [
      'ignores other agents, other teams, key scope and disabled rules',
      [
        rule({ days: 1, scope: 'agent', agent_id: 'agt_2' }),
        rule({ days: 2, scope: 'team', team_id: 'team_2' }),
        rule({ days: 3, scope: 'key' }),
        rule({ days: 4, enabled: false }),
        rule({ days: 14, scope: 'team', team_id: 'team_1' }),
      ],
      14,
    ],
  ] as const)('%s', (_name, rules, days) => {
    expect(
      requirementFor(rules as readonly ReviewRule[], agent)?.review_interval_days ?? null,
    ).toBe(days);
  });

  it('defaults on_overdue to block, and block wins a tie', () => {
    expect(requirementFor([rule({ days: 7, on: 'warn' })], agent)?.on_overdue).toBe('warn');
    expect(
      requirementFor([rule({ days: 7, on: 'warn' }), rule({ days: 7 })], agent)?.on_overdue,
    ).toBe('block');
  });

  it('the next review is due one interval after the last', () => {
    expect(
      nextReviewDue('2025-01-01T00:00:00.000Z', {
        policy_id: 'p',
        review_interval_days: 7,
        on_overdue: 'block',
      }),
    ).toBe('2025-01-08T00:00:00.000Z');
    expect(nextReviewDue('2025-01-01T00:00:00.000Z', null)).toBeNull();
  });

  it('an agent is overdue one interval after its last review (or its creation when never reviewed)', () => {
    const req = { policy_id: 'p', review_interval_days: 7, on_overdue: 'block' as const };
    expect(reviewStatus(agent, req, null, new Date('2025-01-07T23:59:59.000Z')).overdue).toBe(
      false,
    );
    expect(reviewStatus(agent, req, null, new Date('2025-01-08T00:00:00.000Z')).overdue).toBe(true);
    const last = {
      id: 'evt',
      org_id: 'org_1',
      agent_id: 'agt_1',
      reviewer: { kind: 'admin_key', id: 'k' },
      notes: null,
      reviewed_at: '2025-01-07T00:00:00.000Z',
      next_review_due: null,
    };
    expect(reviewStatus(agent, req, last, new Date('2025-01-10T00:00:00.000Z'))).toMatchObject({
      overdue: false,
      next_review_due: '2025-01-14T00:00:00.000Z',
      last_review: last,
    });
    expect(reviewStatus(agent, null, null, new Date('2030-01-01T00:00:00.000Z'))).toMatchObject({
      review_required: false,
      overdue: false,
      next_review_due: null,
    });
  });
});
