import { providerGateStep } from './provider-gate.step';
import { modelAccessStep } from './model-access.step';
import { chat, exception, prepared, rule, testPolicy, verdictOf } from '../testing/chain-fixture';

const run = (model: string, policy = testPolicy(), fallbacks?: string[]) => {
  const ctx = prepared({
    policy,
    request: chat('hi', { model, ...(fallbacks ? { fallbacks } : {}) }),
  });
  providerGateStep.run(ctx);
  return ctx;
};

describe('model_access step', () => {
  it.each([
    ['all models', 'gpt-5', testPolicy(), { kind: 'allow', code: null }],
    [
      'model_allowlist rule refuses',
      'gpt-3.5-turbo',
      testPolicy({
        rules: [
          rule('model_allowlist', { allowed_models: ['gpt-4o', 'claude-sonnet-4-20250514'] }),
        ],
      }),
      { kind: 'block', code: 'model_allowlist', status: 403 },
    ],
    [
      'model_allowlist rule allows',
      'gpt-4o',
      testPolicy({ rules: [rule('model_allowlist', { allowed_models: ['gpt-4o'] })] }),
      { kind: 'allow', code: null },
    ],
    [
      'tier above the max',
      'gpt-5',
      testPolicy({ settings: { model_allowlist: { mode: 'tier', max_tier: 'standard' } } }),
      { kind: 'block', code: 'model_allowlist', status: 403 },
    ],
    [
      'tier within the max',
      'gpt-4o',
      testPolicy({ settings: { model_allowlist: { mode: 'tier', max_tier: 'standard' } } }),
      { kind: 'allow', code: null },
    ],
    [
      'uncatalogued under a tier (fail closed)',
      'groq/llama',
      testPolicy({ settings: { model_allowlist: { mode: 'tier', max_tier: 'frontier' } } }),
      { kind: 'block', code: 'model_allowlist', status: 403 },
    ],
    [
      'explicit list refuses',
      'gpt-4o',
      testPolicy({ plan: 'free' }),
      { kind: 'block', code: 'model_allowlist', status: 403 },
    ],
    [
      'not an eligible model',
      'gpt-4o',
      testPolicy({ deployer: { eligible_models: ['mock/echo'] } }),
      { kind: 'block', code: 'model_allowlist', status: 403 },
    ],
    [
      'paid model on free tier',
      'mock/echo-premium',
      testPolicy({ plan: 'free', settings: { model_allowlist: { mode: 'all' } } }),
      { kind: 'block', code: 'paid_model_on_free_tier', status: 403 },
    ],
    [
      'free_tier_only deployer',
      'gpt-4o',
      testPolicy({ deployer: { free_tier_only: true } }),
      { kind: 'block', code: 'paid_model_on_free_tier', status: 403 },
    ],
    [
      'free model on free tier',
      'mock/echo',
      testPolicy({ plan: 'free' }),
      { kind: 'allow', code: null },
    ],
    [
      'model exception',
      'gpt-4o',
      testPolicy({ plan: 'free', exceptions: [exception('model', 'gpt-4o')] }),
      { kind: 'allow', code: null },
    ],
  ])('%s', (_n, model, policy, expected) => {
    expect(verdictOf(modelAccessStep, run(model, policy))).toEqual(expected);
  });

  it('names the allowed models in the remediation', () => {
    const v = modelAccessStep.run(
      run(
        'gpt-3.5-turbo',
        testPolicy({
          rules: [
            rule('model_allowlist', { allowed_models: ['gpt-4o', 'claude-sonnet-4-20250514'] }),
          ],
        }),
      ),
    );
    expect(v).toMatchObject({
      remediation: 'Use one of: gpt-4o, claude-sonnet-4-20250514',
      message: "model 'gpt-3.5-turbo' is not in the allowed list",
      policy_type: 'model_allowlist',
    });
  });

  it('drops disallowed fallbacks', () => {
    const ctx = run('mock/echo', testPolicy({ plan: 'free' }), ['gpt-4o', 'gpt-4o-mini']);
    modelAccessStep.run(ctx);
    expect(ctx.candidates.map((m) => m.id)).toEqual(['mock/echo', 'gpt-4o-mini']);
  });
});
