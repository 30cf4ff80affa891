import {
  DEFAULT_DEPLOYER,
  PLAN_DEFAULTS,
  type PolicyDocument,
  type PolicyException,
  type PolicyRule,
} from '@llmgov/policy-schema';
import { NOT_SIMULATED, redecide, simulate, type DecisionInput } from './simulate';

const doc = (
  patch: {
    settings?: Partial<PolicyDocument['settings']>;
    deployer?: Partial<PolicyDocument['deployer']>;
    rules?: Partial<PolicyRule>[];
    exceptions?: PolicyException[];
    plan?: PolicyDocument['plan'];
  } = {},
): PolicyDocument => ({
  org_id: 'org_1',
  plan: patch.plan ?? 'growth',
  settings: { ...structuredClone(PLAN_DEFAULTS.growth), ...patch.settings },
  deployer: { ...DEFAULT_DEPLOYER, ...patch.deployer },
  rules: (patch.rules ?? []).map(
    (r, i) =>
      ({
        id: `pol_${i}`,
        name: `r${i}`,
        description: null,
        policy_type: 'rate_limit',
        config: {},
        scope: 'global',
        team_id: null,
        agent_id: null,
        key_id: null,
        enabled: true,
        created_at: '',
        updated_at: '',
        ...r,
      }) as PolicyDocument['rules'][number],
  ),
  exceptions: patch.exceptions ?? [],
});
const input = (over: Partial<DecisionInput> = {}): DecisionInput => ({
  request_id: 'req_1',
  org_id: 'org_1',
  team_id: 'team_1',
  key_id: 'key_1',
  agent_id: 'agt_1',
  session_id: null,
  environment: 'production',
  model: 'gpt-4o',
  provider: 'openai',
  cost_micro_usd: 1_000,
  reserved_micro_usd: 5_000,
  completed_at: '2026-03-17T10:00:00.000Z',
  ...over,
});
const exception = (
  kind: PolicyException['kind'],
  target: string,
  scope: PolicyException['scope'] = 'org',
  scope_id: string | null = null,
): PolicyException => ({
  id: 'exc_1',
  kind,
  target,
  scope,
  scope_id,
  approver: 'key_admin',
  reason: 'pilot',
  expires_at: '2026-04-01T00:00:00.000Z',
  created_at: '2026-03-01T00:00:00.000Z',
});

describe('redecide: one recorded request under one document', () => {
  it.each<[string, PolicyDocument, Partial<DecisionInput>, string, string | null]>([
    ['the defaults allow it', doc(), {}, 'allow', null],
    [
      'a model_allowlist rule without the model',
      doc({
        rules: [{ policy_type: 'model_allowlist', config: { allowed_models: ['gpt-4o-mini'] } }],
      }),
      {},
      'block',
      'model_allowlist',
    ],
    [
      'an allowlist rule of another agent',
      doc({
        rules: [
          {
            policy_type: 'model_allowlist',
            scope: 'agent',
            agent_id: 'agt_2',
            config: { allowed_models: ['gpt-4o-mini'] },
          },
        ],
      }),
      {},
      'allow',
      null,
    ],
    [
      'an explicit settings allowlist',
      doc({ settings: { model_allowlist: { mode: 'explicit', models: ['claude-sonnet-4-5'] } } }),
      {},
      'block',
      'model_allowlist',
    ],
    [
      'a tier allowlist below the model',
      doc({ settings: { model_allowlist: { mode: 'tier', max_tier: 'economy' } } }),
      {},
      'block',
      'model_allowlist',
    ],
    [
      'eligible models of the deployer',
      doc({ deployer: { eligible_models: ['gpt-4o-mini'] } }),
      {},
      'block',
      'model_allowlist',
    ],
    [
      'a model exception for the team',
      doc({
        deployer: { eligible_models: ['gpt-4o-mini'] },
        exceptions: [exception('model', 'gpt-4o', 'team', 'team_1')],
      }),
      {},
      'allow',
      null,
    ],
    [
      'an expired exception',
      doc({
        deployer: { eligible_models: ['gpt-4o-mini'] },
        exceptions: [{ ...exception('model', 'gpt-4o'), expires_at: '2026-03-01T00:00:00.000Z' }],
      }),
      {},
      'block',
      'model_allowlist',
    ],
    [
      'a blocked provider',
      doc({ rules: [{ policy_type: 'block_provider', config: { provider: 'openai' } }] }),
      {},
      'block',
      'block_provider',
    ],
    [
      'a provider outside the allowed providers',
      doc({ deployer: { allowed_providers: ['anthropic'] } }),
      {},
      'block',
      'block_provider',
    ],
    [
      'a provider exception',
      doc({
        deployer: { allowed_providers: ['anthropic'] },
        exceptions: [exception('provider', 'openai', 'agent', 'agt_1')],
      }),
      {},
      'allow',
      null,
    ],
    [
      'free_tier_only and a paid model',
      doc({ deployer: { free_tier_only: true } }),
      {},
      'block',
      'paid_model_on_free_tier',
    ],
    [
      'a free plan and a free model',
      doc({ plan: 'free' }),
      { model: 'gpt-4o-mini' },
      'allow',
      null,
    ],
    [
      'a safety floor above the model',
      doc({ deployer: { minimum_safety_score: 0.9 } }),
      {},
      'block',
      'policy_safety_filter_empty',
    ],
    [
      'a safety floor and an unrated model',
      doc({ deployer: { minimum_safety_score: 0.5 } }),
      { model: 'gpt-3.5-turbo' },
      'block',
      'policy_safety_filter_empty',
    ],
    [
      'a per-request limit below the estimate',
      doc({ settings: { per_request_limit_usd: 0.001 } }),
      {},
      'block',
      'per_request_limit',
    ],
    [
      'an org daily budget below the estimate',
      doc({ settings: { daily_budget_usd: 0.004 } }),
      {},
      'block',
      'daily_budget',
    ],
    [
      'an agent budget_limit below the estimate',
      doc({
        rules: [
          {
            policy_type: 'budget_limit',
            scope: 'agent',
            agent_id: 'agt_1',
            config: { daily_limit_usd: 0.001 },
          },
        ],
      }),
      {},
      'block',
      'budget_limit',
    ],
    [
      'require_approval in production',
      doc({ rules: [{ policy_type: 'require_approval', config: { environment: 'production' } }] }),
      {},
      'needs_approval',
      'approval_required',
    ],
    [
      'require_approval in staging only',
      doc({ rules: [{ policy_type: 'require_approval', config: { environment: 'staging' } }] }),
      {},
      'allow',
      null,
    ],
    [
      'require_approval for a model',
      doc({ rules: [{ policy_type: 'require_approval', config: { models: ['gpt-4o'] } }] }),
      {},
      'needs_approval',
      'approval_required',
    ],
    [
      'require_approval above a cost',
      doc({ rules: [{ policy_type: 'require_approval', config: { min_cost_usd: 0.01 } }] }),
      {},
      'allow',
      null,
    ],
    [
      'the cost gate',
      doc({ settings: { hitl_cost_threshold_usd: 0.001 } }),
      {},
      'needs_approval',
      'approval_required',
    ],
  ])('%s', (_name, document, over, verdict, code) => {
    expect(redecide(document, input(over), new Map())).toMatchObject({ verdict, code });
  });

  it('budgets count the allowed requests of the window, per UTC day', () => {
    const d = doc({ settings: { daily_budget_usd: 0.01 } });
    const spend = new Map<string, number>();
    const at = (i: number, day = '17') =>
      input({
        request_id: `req_${i}`,
        cost_micro_usd: 4_000,
        reserved_micro_usd: 4_000,
        completed_at: `2026-03-${day}T10:00:0${i}.000Z`,
      });
    expect([0, 1, 2].map((i) => redecide(d, at(i), spend).verdict)).toEqual([
      'allow',
      'allow',
      'block',
    ]);
    expect(redecide(d, at(3, '18'), spend).verdict).toBe('allow');
  });

  it('per-user budgets count each end user apart; requests without one are not held to them', () => {
    const d = doc({ settings: { user_budgets: { default_daily_usd: 0.005 } } });
    const spend = new Map<string, number>();
    const as = (i: number, end_user: string | null) =>
      input({ request_id: `req_${i}`, cost_micro_usd: 4_000, reserved_micro_usd: 4_000, end_user });
    expect(redecide(d, as(0, 'alice'), spend).verdict).toBe('allow');
    expect(redecide(d, as(1, 'alice'), spend)).toMatchObject({
      verdict: 'block',
      code: 'daily_budget',
    });
    expect(redecide(d, as(2, 'bob'), spend).verdict).toBe('allow');
    expect(redecide(d, as(3, null), spend).verdict).toBe('allow');
  });
});

describe('simulate: a draft against the active version', () => {
  const inputs = [
    input({ request_id: 'req_a', model: 'gpt-4o' }),
    input({ request_id: 'req_b', model: 'gpt-4o-mini' }),
    input({ request_id: 'req_c', model: 'claude-sonnet-4-5', provider: 'anthropic' }),
    input({ request_id: 'req_d', model: 'gpt-4o', environment: 'staging' }),
  ];

  it('counts what the draft would block, allow and hold, with examples', () => {
    const active = doc({
      rules: [{ policy_type: 'block_provider', config: { provider: 'anthropic' } }],
    });
    const draft = doc({
      deployer: { eligible_models: ['gpt-4o-mini', 'claude-sonnet-4-5'] },
      rules: [{ policy_type: 'require_approval', config: { models: ['gpt-4o-mini'] } }],
    });
    const report = simulate(active, draft, inputs);
    expect(report).toMatchObject({
      evaluated: 4,
      changed: 4,
      would_block: [{ code: 'model_allowlist', count: 2 }],
      would_allow: [{ code: 'block_provider', count: 1 }],
      would_require_approval: 1,
    });
    expect(report.examples).toEqual([
      { request_id: 'req_a', before: 'allow', after: 'block', code: 'model_allowlist' },
      { request_id: 'req_b', before: 'allow', after: 'needs_approval', code: 'approval_required' },
      { request_id: 'req_c', before: 'block', after: 'allow', code: 'block_provider' },
      { request_id: 'req_d', before: 'allow', after: 'block', code: 'model_allowlist' },
    ]);
  });

  it('the same document changes nothing, and the text-bound steps are listed as not simulated', () => {
    const report = simulate(doc(), doc(), inputs);
    expect(report).toMatchObject({
      evaluated: 4,
      changed: 0,
      would_block: [],
      would_allow: [],
      examples: [],
    });
    expect(report.not_simulated.map((s) => s.step)).toEqual(
      expect.arrayContaining(['pii_scan', 'content_safety', 'security_scan']),
    );
    expect(NOT_SIMULATED.length).toBe(report.not_simulated.length);
  });

  it('keeps at most 20 examples', () => {
    const many = Array.from({ length: 30 }, (_, i) => input({ request_id: `req_${i}` }));
    const report = simulate(doc(), doc({ deployer: { free_tier_only: true } }), many);
    expect(report).toMatchObject({
      changed: 30,
      would_block: [{ code: 'paid_model_on_free_tier', count: 30 }],
    });
    expect(report.examples).toHaveLength(20);
  });
});
