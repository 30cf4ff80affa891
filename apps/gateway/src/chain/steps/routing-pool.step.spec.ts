import { routingPoolStep } from './routing-pool.step';
import { chat, prepared, rule, testPolicy, verdictOf } from '../testing/chain-fixture';

describe('routing_pool step', () => {
  it.each([
    ['no caps', 'mock/echo', ['gpt-4o'], testPolicy(), { kind: 'allow', code: null }],
    [
      'chain too long',
      'mock/echo',
      ['gpt-4o', 'gpt-4o-mini'],
      testPolicy({ deployer: { max_chain_length: 2 } }),
      { kind: 'block', code: 'max_chain_length', status: 403 },
    ],
    [
      'chain too long (rule)',
      'mock/echo',
      ['gpt-4o'],
      testPolicy({ rules: [rule('max_chain_length', { max_chain_length: 1 })] }),
      { kind: 'block', code: 'max_chain_length', status: 403 },
    ],
    [
      'safety floor keeps rated models',
      'mock/echo',
      [],
      testPolicy({ deployer: { minimum_safety_score: 0.85 } }),
      { kind: 'allow', code: null },
    ],
    [
      'unrated model under a floor (fail closed)',
      'mock/echo-unrated',
      [],
      testPolicy({ deployer: { minimum_safety_score: 0.5 } }),
      { kind: 'block', code: 'policy_safety_filter_empty', status: 403 },
    ],
    [
      'floor above every model',
      'mock/echo',
      ['gpt-4o'],
      testPolicy({ rules: [rule('minimum_safety_score', { minimum_safety_score: 0.99 })] }),
      { kind: 'block', code: 'policy_safety_filter_empty', status: 403 },
    ],
  ])('%s', (_n, model, fallbacks, policy, expected) => {
    expect(
      verdictOf(routingPoolStep, prepared({ policy, request: chat('hi', { model, fallbacks }) })),
    ).toEqual(expected);
  });

  it('filters the pool to models at or above the floor', () => {
    const ctx = prepared({
      policy: testPolicy({ deployer: { minimum_safety_score: 0.85 } }),
      request: chat('hi', { model: 'mock/echo-unrated', fallbacks: ['gpt-4o-mini', 'mock/echo'] }),
    });
    routingPoolStep.run(ctx);
    expect(ctx.pool.map((m) => m.id)).toEqual(['mock/echo']);
  });
});
