import type { AlertWebhook } from '@llmgov/policy-schema';
import { backoffMs, destinationsFor, samplePoint, webhookKindOf } from './webhook-routing';

const hook = (over: Partial<AlertWebhook>): AlertWebhook => ({
  id: 'h',
  url: 'https://hooks.example/x',
  secret_name: 'OPS',
  events: ['budget', 'policy_violation', 'approval', 'compliance'],
  ...over,
});
const event = (type: string, id = 'evt_1') => ({
  id,
  type,
  source: 's',
  time: '2026-11-28T00:00:00.000Z',
  subject: 'org_a',
  data: { org_id: 'org_a' },
});

describe('webhook routing', () => {
  it.each([
    ['budget.threshold_reached', 'budget'],
    ['budget.exceeded', 'budget'],
    ['policy.violated', 'policy_violation'],
    ['approval.requested', 'approval'],
    ['compliance.remediation.applied', 'compliance'],
    ['approval.granted', null],
    ['request.completed', null],
  ])('%s is of kind %s', (type, kind) => expect(webhookKindOf(type)).toBe(kind));

  it('sends an event to the enabled destinations subscribed to its kind', () => {
    const hooks = [
      hook({ id: 'all' }),
      hook({ id: 'budgets', events: ['budget'] }),
      hook({ id: 'off', enabled: false }),
    ];
    expect(destinationsFor(event('budget.exceeded'), hooks).map((h) => h.id)).toEqual([
      'all',
      'budgets',
    ]);
    expect(destinationsFor(event('policy.violated'), hooks).map((h) => h.id)).toEqual(['all']);
    expect(destinationsFor(event('approval.granted'), hooks)).toEqual([]);
  });

  it('samples violations by event id: the same id always decides the same way, about the rate', () => {
    const half = [hook({ violation_sample_rate: 0.5 })];
    const ids = Array.from({ length: 2000 }, (_, i) => `evt_${i}`);
    const picked = ids.filter((id) => destinationsFor(event('policy.violated', id), half).length);
    expect(picked.length).toBeGreaterThan(900);
    expect(picked.length).toBeLessThan(1100);
    for (const id of ids.slice(0, 50)) expect(samplePoint(id) < 0.5).toBe(picked.includes(id));
    expect(destinationsFor(event('policy.violated'), [hook({ violation_sample_rate: 0 })])).toEqual(
      [],
    );
    // The rate samples violations only.
    expect(
      destinationsFor(event('budget.exceeded'), [hook({ violation_sample_rate: 0 })]),
    ).toHaveLength(1);
  });

  it('backs off exponentially from the base, capped', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, 1000))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(backoffMs(30, 1000, 60_000)).toBe(60_000);
  });
});
