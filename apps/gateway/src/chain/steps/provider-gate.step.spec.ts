import { providerGateStep } from './provider-gate.step';
import { chat, exception, prepared, rule, testPolicy, verdictOf } from '../testing/chain-fixture';

const blockOpenai = rule('block_provider', { provider: 'openai' });

describe('provider_gate step', () => {
  it.each([
    ['no restriction', 'gpt-4o', testPolicy(), { kind: 'allow', code: null }],
    [
      'blocked provider',
      'gpt-4o',
      testPolicy({ rules: [blockOpenai] }),
      { kind: 'block', code: 'block_provider', status: 403 },
    ],
    [
      'other provider',
      'claude-sonnet-4-5',
      testPolicy({ rules: [blockOpenai] }),
      { kind: 'allow', code: null },
    ],
    [
      'outside allowed providers',
      'gpt-4o',
      testPolicy({ deployer: { allowed_providers: ['anthropic', 'mock'] } }),
      { kind: 'block', code: 'block_provider', status: 403 },
    ],
    [
      'provider exception',
      'gpt-4o',
      testPolicy({ rules: [blockOpenai], exceptions: [exception('provider', 'openai')] }),
      { kind: 'allow', code: null },
    ],
    [
      'unknown model name',
      'no-such-model',
      testPolicy(),
      { kind: 'block', code: 'unknown_model', status: 400 },
    ],
    [
      'uncatalogued provider/model',
      'groq/llama-3.1-8b-instant',
      testPolicy(),
      { kind: 'allow', code: null },
    ],
  ])('%s', (_n, model, policy, expected) => {
    expect(
      verdictOf(providerGateStep, prepared({ policy, request: chat('hi', { model }) })),
    ).toEqual(expected);
  });

  it('drops blocked fallbacks from the candidates', () => {
    const ctx = prepared({
      policy: testPolicy({ rules: [blockOpenai] }),
      request: chat('hi', { model: 'mock/echo', fallbacks: ['gpt-4o', 'claude-haiku-4-5'] }),
    });
    providerGateStep.run(ctx);
    expect(ctx.candidates.map((m) => m.id)).toEqual(['mock/echo', 'claude-haiku-4-5']);
  });
});
