import { budgetStep } from './budget.step';
import {
  AGENT,
  chat,
  prepared,
  rule,
  testPolicy,
  testViews,
  verdictOf,
} from '../testing/chain-fixture';

const big = chat('x'.repeat(4000), { model: 'mock/echo-premium', max_tokens: 1000 }); // ≈ $0.09

describe('budget step', () => {
  it.each([
    [
      'within every budget',
      chat('hi', { max_tokens: 100 }),
      testPolicy(),
      {},
      { kind: 'allow', code: null },
    ],
    [
      'over the per-request limit',
      big,
      testPolicy({ settings: { per_request_limit_usd: 0.05 } }),
      {},
      { kind: 'block', code: 'per_request_limit', status: 403 },
    ],
    [
      'over the org daily budget',
      big,
      testPolicy({ settings: { daily_budget_usd: 0.01 } }),
      {},
      { kind: 'block', code: 'daily_budget', status: 403 },
    ],
    [
      'over the key daily budget',
      big,
      testPolicy({ settings: { key_budgets: { key_test: 0.01 } } }),
      {},
      { kind: 'block', code: 'daily_budget', status: 403 },
    ],
    [
      'over an agent budget_limit rule',
      big,
      testPolicy({
        rules: [
          rule('budget_limit', { monthly_limit_usd: 0.01 }, { scope: 'agent', agent_id: AGENT }),
        ],
      }),
      { agent_id: AGENT },
      { kind: 'block', code: 'budget_limit', status: 403 },
    ],
    [
      'over the runner session budget',
      big,
      testPolicy({ settings: { runner_session_budget_usd: 0.01 } }),
      { session: true },
      { kind: 'block', code: 'runner_session_budget', status: 403 },
    ],
  ])('%s', (_n, request, policy, who, expected) => {
    const ctx = prepared({
      policy,
      request,
      principal: 'agent_id' in who ? { agent_id: AGENT } : {},
      meta: 'session' in who ? { session_id: 's1' } : {},
    });
    expect(verdictOf(budgetStep, ctx)).toEqual(expected);
  });

  it('reserves all or nothing: a second request that would pass the budget is refused', () => {
    const policy = testPolicy({ settings: { daily_budget_usd: 0.15 } });
    const views = testViews(policy);
    const a = prepared({ policy, views, request: big, requestId: 'req_a' });
    expect(verdictOf(budgetStep, a)).toEqual({ kind: 'allow', code: null });
    expect(a.reserved_micro_usd).toBeGreaterThan(0);
    const b = prepared({ policy, views, request: big, requestId: 'req_b' });
    expect(verdictOf(budgetStep, b)).toMatchObject({ kind: 'block', code: 'daily_budget' });
    views.budget.settle('req_a', 1000, new Date());
    expect(
      verdictOf(budgetStep, prepared({ policy, views, request: big, requestId: 'req_c' })),
    ).toEqual({ kind: 'allow', code: null });
  });

  it('estimates prompt tokens plus max_tokens × the output price', () => {
    const ctx = prepared({ request: chat('x'.repeat(400), { max_tokens: 100 }) });
    budgetStep.run(ctx);
    expect(ctx.estimate).toEqual({
      prompt_tokens: 107,
      max_output_tokens: 100,
      cost_micro_usd: Math.ceil(107 * 0.15 + 100 * 0.6),
    });
  });
});
