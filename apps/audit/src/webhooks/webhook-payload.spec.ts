import { jsonPayload, slackPayload, summaryOf, webhookBody } from './webhook-payload';

const exceeded = {
  id: 'evt_b',
  type: 'budget.exceeded',
  source: 'budget-ledger',
  time: '2026-11-28T09:00:00.000Z',
  subject: 'org_a',
  data: {
    org_id: 'org_a',
    scope: 'user',
    scope_id: 'alice',
    period: 'day',
    limit_micro_usd: 2_000_000,
    spent_micro_usd: 2_500_000,
    request_id: 'req_1',
  },
};

describe('webhook payloads', () => {
  it('json: the event with its kind and org', () => {
    expect(jsonPayload(exceeded, 'org_a')).toEqual({
      id: 'evt_b',
      type: 'budget.exceeded',
      kind: 'budget',
      org_id: 'org_a',
      time: exceeded.time,
      data: exceeded.data,
    });
  });

  it('slack: text (the notification) and blocks (section + context with ids)', () => {
    expect(slackPayload(exceeded, 'org_a')).toEqual({
      text: 'Budget exceeded: user alice spent $2.50 of its day budget of $2.00',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: 'Budget exceeded: user alice spent $2.50 of its day budget of $2.00',
          },
        },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: 'org `org_a` · event `evt_b` · 2026-11-28T09:00:00.000Z' },
          ],
        },
      ],
    });
    expect(JSON.parse(webhookBody(exceeded, 'org_a', 'slack')).text).toContain('Budget exceeded');
    expect(JSON.parse(webhookBody(exceeded, 'org_a', undefined)).kind).toBe('budget');
  });

  it.each([
    [
      'budget.threshold_reached',
      { scope: 'org', scope_id: 'org_a', threshold_pct: 80, period: 'day' },
      'reached 80 %',
    ],
    [
      'policy.violated',
      {
        code: 'pii_detected',
        step: 'pii_scan',
        model: 'gpt-4o',
        key_id: 'gk_1',
        request_id: 'req_1',
      },
      'Policy violation: pii_detected',
    ],
    [
      'approval.requested',
      { approval_id: 'apr_1', model: 'gpt-4o', estimated_cost_micro_usd: 1_000_000 },
      'Approval waiting: apr_1',
    ],
    [
      'compliance.remediation.applied',
      { check_id: 'art10', article: 'Art. 10', score_before: 60, score_after: 80 },
      'score 60 → 80',
    ],
  ])('summarises %s', (type, data, text) => {
    expect(summaryOf({ ...exceeded, type, data })).toContain(text);
  });
});
