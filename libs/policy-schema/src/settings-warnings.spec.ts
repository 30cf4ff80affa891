import { PLAN_DEFAULTS, type Plan } from './plans';
import { settingsWarnings } from './settings-warnings';

describe('settingsWarnings', () => {
  it.each(Object.keys(PLAN_DEFAULTS) as Plan[])(
    'the %s plan defaults leave the cost gate reachable',
    (plan) => {
      const s = PLAN_DEFAULTS[plan];
      expect(settingsWarnings(s)).toEqual([]);
      if (s.hitl_cost_threshold_usd !== null && s.per_request_limit_usd !== null)
        expect(s.hitl_cost_threshold_usd).toBeLessThan(s.per_request_limit_usd);
    },
  );

  it.each([
    [
      'a gate above the per-request limit (the seed example)',
      { per_request_limit_usd: 2, hitl_cost_threshold_usd: 10, daily_budget_usd: 50 },
      ['per_request_limit_usd'],
    ],
    [
      'a gate equal to the per-request limit',
      { per_request_limit_usd: 1, hitl_cost_threshold_usd: 1, daily_budget_usd: 50 },
      ['per_request_limit_usd'],
    ],
    [
      'a gate above the daily budget',
      { per_request_limit_usd: null, hitl_cost_threshold_usd: 20, daily_budget_usd: 10 },
      ['daily_budget_usd'],
    ],
    [
      'a gate below both',
      { per_request_limit_usd: 5, hitl_cost_threshold_usd: 0.5, daily_budget_usd: 10 },
      [],
    ],
    [
      'no gate',
      { per_request_limit_usd: 1, hitl_cost_threshold_usd: null, daily_budget_usd: 1 },
      [],
    ],
  ])('%s', (_name, patch, caps) => {
    const warnings = settingsWarnings({ ...PLAN_DEFAULTS.growth, ...patch });
    expect(warnings.map((w) => w.code)).toEqual(caps.map(() => 'unreachable_cost_gate'));
    caps.forEach((cap, i) => expect(warnings[i]!.message).toContain(cap));
  });
});
