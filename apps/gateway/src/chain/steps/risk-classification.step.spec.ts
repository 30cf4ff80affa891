import { riskClassificationStep } from './risk-classification.step';
import { AGENT, prepared, rule, testPolicy, verdictOf } from '../testing/chain-fixture';

const deployer = {
  allowed_purposes: null,
  risk_tier_defaults: {
    social_scoring: 'prohibited' as const,
    credit_scoring: 'high' as const,
    support: 'minimal' as const,
  },
};

describe('risk_classification step', () => {
  it.each([
    ['no purpose, no restriction', {}, {}, { kind: 'allow', code: null }],
    [
      'prohibited purpose (Art. 5)',
      { purpose: 'social_scoring' },
      {},
      { kind: 'block', code: 'risk_prohibited', status: 403 },
    ],
    [
      'high-risk without consent',
      { purpose: 'credit_scoring' },
      {},
      { kind: 'block', code: 'policy_required_fields_missing', status: 403 },
    ],
    [
      'high-risk with consent',
      { purpose: 'credit_scoring', user_consent_id: 'c1' },
      {},
      { kind: 'allow', code: null },
    ],
    [
      'purpose outside allowed_purposes',
      { purpose: 'marketing' },
      { allowed_purposes: ['support'] },
      { kind: 'block', code: 'risk_prohibited', status: 403 },
    ],
    [
      'missing purpose with allowed_purposes',
      {},
      { allowed_purposes: ['support'] },
      { kind: 'block', code: 'policy_required_fields_missing', status: 403 },
    ],
    [
      'allowed purpose',
      { purpose: 'support' },
      { allowed_purposes: ['support'] },
      { kind: 'allow', code: null },
    ],
  ])('%s', (_n, meta, dep, expected) => {
    const ctx = prepared({ meta, policy: testPolicy({ deployer: { ...deployer, ...dep } }) });
    expect(verdictOf(riskClassificationStep, ctx)).toEqual(expected);
  });

  it('cites the article of the prohibited practice in the refusal', () => {
    const ctx = prepared({ meta: { purpose: 'social_scoring' }, policy: testPolicy({ deployer }) });
    expect(riskClassificationStep.run(ctx)).toMatchObject({
      message: expect.stringContaining('Regulation (EU) 2024/1689, Art. 5(1)(c)'),
    });
  });

  it('refuses Art. 5 purposes on the default deployer of a new org, on every plan', () => {
    for (const plan of ['free', 'starter', 'growth', 'enterprise'] as const) {
      const ctx = prepared({ meta: { purpose: 'social_scoring' }, policy: testPolicy({ plan }) });
      expect(verdictOf(riskClassificationStep, ctx)).toEqual({
        kind: 'block',
        code: 'risk_prohibited',
        status: 403,
      });
    }
  });

  it.each([
    ['a declared purpose', { purpose: 'support' }, { kind: 'allow', code: null }],
    [
      'an undeclared purpose',
      { purpose: 'chatbot' },
      { kind: 'block', code: 'risk_prohibited', status: 403 },
    ],
    ['no purpose', {}, { kind: 'block', code: 'policy_required_fields_missing', status: 403 }],
  ])('an agent with declared purposes (agent_purposes) sending %s', (_n, meta, expected) => {
    const ctx = prepared({
      meta,
      principal: { agent_id: AGENT },
      policy: testPolicy({ deployer: { ...deployer, agent_purposes: { [AGENT]: ['support'] } } }),
    });
    expect(verdictOf(riskClassificationStep, ctx)).toEqual(expected);
  });

  it('refuses when a required_fields rule names a missing field', () => {
    const r = rule('required_fields', { fields: ['session_id'] });
    const ctx = prepared({ policy: testPolicy({ rules: [r] }) });
    expect(riskClassificationStep.run(ctx)).toMatchObject({
      kind: 'block',
      code: 'policy_required_fields_missing',
      policy_id: r.id,
    });
  });
});
