import { agentReviewStep } from './agent-review.step';
import {
  AGENT,
  NOW,
  prepared,
  rule,
  testPolicy,
  testViews,
  verdictOf,
} from '../testing/chain-fixture';

const agent = { agent_id: AGENT, agent_created_at: '2026-06-01T00:00:00.000Z' };
const weekly = (on_overdue?: 'block' | 'warn') =>
  testPolicy({
    rules: [
      rule(
        'require_human_review',
        { review_interval_days: 7, ...(on_overdue ? { on_overdue } : {}) },
        { scope: 'agent', agent_id: AGENT },
      ),
    ],
  });

describe('agent_review step', () => {
  it.each([
    ['no agent', {}, weekly(), undefined, { kind: 'allow', code: null }],
    ['no review rule', agent, testPolicy(), undefined, { kind: 'allow', code: null }],
    [
      'overdue since creation',
      agent,
      weekly(),
      undefined,
      { kind: 'block', code: 'human_review_overdue', status: 403 },
    ],
    [
      'overdue, warn only',
      agent,
      weekly('warn'),
      undefined,
      { kind: 'warn', code: 'human_review_overdue' },
    ],
    [
      'reviewed two days ago',
      agent,
      weekly(),
      '2026-06-13T12:00:00.000Z',
      { kind: 'allow', code: null },
    ],
    [
      'reviewed ten days ago',
      agent,
      weekly(),
      '2026-06-05T12:00:00.000Z',
      { kind: 'block', code: 'human_review_overdue', status: 403 },
    ],
  ])('%s', (_n, principal, policy, reviewedAt, expected) => {
    const views = testViews(policy);
    if (reviewedAt) {
      views.reviews.apply({
        id: 'e1',
        type: 'agent.review.recorded',
        source: 't',
        time: reviewedAt,
        subject: AGENT,
        data: {
          org_id: 'org_test',
          agent_id: AGENT,
          reviewer: { kind: 'admin_key', id: 'k' },
          notes: null,
          reviewed_at: reviewedAt,
          next_review_due: null,
        },
      });
    }
    expect(verdictOf(agentReviewStep, prepared({ policy, views, principal, now: NOW }))).toEqual(
      expected,
    );
  });
});
