import { hitlGateStep } from './hitl-gate.step';
import { chat, prepared, rule, testPolicy, verdictOf } from '../testing/chain-fixture';

const prodRule = rule('require_approval', { environment: 'production' });
const premium = chat('x'.repeat(4000), { model: 'mock/echo-premium', max_tokens: 1000 }); // ≈ $0.09

describe('hitl_gate step', () => {
  it.each([
    ['nothing to approve', chat('hi'), testPolicy(), {}, {}, { kind: 'allow', code: null }],
    [
      'production environment rule',
      chat('hi'),
      testPolicy({ rules: [prodRule] }),
      { environment: 'production' },
      {},
      { kind: 'needs_approval', code: 'require_approval' },
    ],
    [
      'rule for another environment',
      chat('hi'),
      testPolicy({ rules: [prodRule] }),
      { environment: 'staging' },
      {},
      { kind: 'allow', code: null },
    ],
    [
      'min_cost_usd not reached',
      chat('hi'),
      testPolicy({ rules: [rule('require_approval', { min_cost_usd: 0.05 })] }),
      {},
      {},
      { kind: 'allow', code: null },
    ],
    [
      'min_cost_usd reached',
      premium,
      testPolicy({ rules: [rule('require_approval', { min_cost_usd: 0.05 })] }),
      {},
      {},
      { kind: 'needs_approval', code: 'require_approval' },
    ],
    [
      'models rule',
      premium,
      testPolicy({ rules: [rule('require_approval', { models: ['mock/echo-premium'] })] }),
      {},
      {},
      { kind: 'needs_approval', code: 'require_approval' },
    ],
    [
      'cost gate',
      premium,
      testPolicy({ settings: { hitl_cost_threshold_usd: 0.01 } }),
      {},
      {},
      { kind: 'needs_approval', code: 'cost_gate' },
    ],
    [
      'approved retry passes',
      chat('hi'),
      testPolicy({ rules: [prodRule] }),
      { environment: 'production' },
      { approval_id: 'apr_1' },
      { kind: 'allow', code: null },
    ],
  ])('%s', (_n, request, policy, principal, meta, expected) => {
    expect(verdictOf(hitlGateStep, prepared({ policy, request, principal, meta }))).toEqual(
      expected,
    );
  });

  it('content gate: review categories need approval', () => {
    const ctx = prepared();
    ctx.review_categories.push('violence');
    expect(verdictOf(hitlGateStep, ctx)).toEqual({ kind: 'needs_approval', code: 'content_gate' });
  });

  it('marks an approved retry for consumption', () => {
    const ctx = prepared({
      policy: testPolicy({ rules: [prodRule] }),
      principal: { environment: 'production' },
      meta: { approval_id: 'apr_1' },
    });
    hitlGateStep.run(ctx);
    expect(ctx.consume_approval_id).toBe('apr_1');
  });

  it('confidence gate on: a retry naming an approval consumes it (it may release a held answer)', () => {
    const ctx = prepared({
      policy: testPolicy({ settings: { hitl_confidence_threshold: 0.5 } }),
      meta: { approval_id: 'apr_2' },
    });
    expect(verdictOf(hitlGateStep, ctx)).toEqual({ kind: 'allow', code: null });
    expect(ctx.consume_approval_id).toBe('apr_2');
  });

  it('confidence gate off: an approval id with nothing to approve is not consumed', () => {
    const ctx = prepared({ meta: { approval_id: 'apr_3' } });
    hitlGateStep.run(ctx);
    expect(ctx.consume_approval_id).toBeNull();
  });
});
