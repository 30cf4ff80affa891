// One rule, two deciders: the registry's shadow evaluation and the gateway's chain steps must
// agree on every step they share. The test has to reach into the gateway's step objects and
// its chain fixture, which no service may import in production code.
/* eslint-disable @nx/enforce-module-boundaries */
import type { ActivePolicy, Plan } from '@llmgov/policy-schema';
import type { ChainContext, StepId } from '@llmgov/chain';
import { providerGateStep } from '../../gateway/src/chain/steps/provider-gate.step';
import { modelAccessStep } from '../../gateway/src/chain/steps/model-access.step';
import { routingPoolStep } from '../../gateway/src/chain/steps/routing-pool.step';
import { budgetStep } from '../../gateway/src/chain/steps/budget.step';
import { hitlGateStep } from '../../gateway/src/chain/steps/hitl-gate.step';
import {
  AGENT,
  KEY,
  NOW,
  ORG,
  TEAM,
  chat,
  exception,
  prepared,
  rule,
  syncRun,
  testPolicy,
  testViews,
} from '../../gateway/src/chain/testing/chain-fixture';
/* eslint-enable @nx/enforce-module-boundaries */
import {
  NOT_SIMULATED,
  redecide,
  type DecisionInput,
  type SimOutcome,
} from '../src/domain/simulate';

/** The steps simulate.ts re-runs, in chain order (the others are in NOT_SIMULATED or need text). */
const SHARED = [providerGateStep, modelAccessStep, routingPoolStep, budgetStep, hitlGateStep];

/** What a recorded request says: the fields `request.completed` keeps. */
interface Recorded {
  name: string;
  model: string;
  environment: string | null;
  end_user?: string;
  session_id?: string;
}
const RECORDED: Recorded[] = [
  { name: 'gpt-4o in production', model: 'gpt-4o', environment: 'production' },
  { name: 'gpt-4o-mini in staging', model: 'gpt-4o-mini', environment: 'staging' },
  {
    name: 'claude-sonnet-4-5 for an end user',
    model: 'claude-sonnet-4-5',
    environment: 'production',
    end_user: 'alice',
  },
  {
    name: 'mock/echo in a runner session',
    model: 'mock/echo',
    environment: null,
    session_id: 's1',
  },
  { name: 'an unrated model', model: 'gpt-3.5-turbo', environment: 'production' },
  { name: 'an uncatalogued provider/model', model: 'openai/gpt-9-preview', environment: null },
  { name: 'an unknown model name', model: 'no such model', environment: null },
];

interface Document {
  name: string;
  policy: ActivePolicy;
  /** The org's plan, which the gateway reads from the org (not from the document). */
  plan?: Plan;
}
const DOCUMENTS: Document[] = [
  { name: 'the plan defaults', policy: testPolicy() },
  {
    name: 'a block_provider rule',
    policy: testPolicy({ rules: [rule('block_provider', { provider: 'openai' })] }),
  },
  {
    name: 'allowed providers',
    policy: testPolicy({ deployer: { allowed_providers: ['anthropic', 'mock'] } }),
  },
  {
    name: 'allowed providers with an agent exception',
    policy: testPolicy({
      deployer: { allowed_providers: ['anthropic'] },
      exceptions: [exception('provider', 'openai', 'agent', AGENT)],
    }),
  },
  {
    name: 'a model_allowlist rule',
    policy: testPolicy({ rules: [rule('model_allowlist', { allowed_models: ['gpt-4o-mini'] })] }),
  },
  {
    name: 'a model_allowlist rule of another agent',
    policy: testPolicy({
      rules: [
        rule(
          'model_allowlist',
          { allowed_models: ['gpt-4o-mini'] },
          { scope: 'agent', agent_id: 'agt_other' },
        ),
      ],
    }),
  },
  {
    name: 'a tier allowlist',
    policy: testPolicy({ settings: { model_allowlist: { mode: 'tier', max_tier: 'economy' } } }),
  },
  {
    name: 'an explicit allowlist',
    policy: testPolicy({
      settings: { model_allowlist: { mode: 'explicit', models: ['claude-sonnet-4-5'] } },
    }),
  },
  {
    name: 'eligible models with a team exception',
    policy: testPolicy({
      deployer: { eligible_models: ['gpt-4o-mini'] },
      exceptions: [exception('model', 'gpt-4o', 'team', TEAM)],
    }),
  },
  { name: 'free_tier_only', policy: testPolicy({ deployer: { free_tier_only: true } }) },
  // The drift the library removed: simulate.ts read `doc.plan`, the gateway the org's plan.
  { name: 'an org on the free plan, a growth document', policy: testPolicy(), plan: 'free' },
  { name: 'a safety floor', policy: testPolicy({ deployer: { minimum_safety_score: 0.9 } }) },
  {
    name: 'a safety floor rule',
    policy: testPolicy({ rules: [rule('minimum_safety_score', { minimum_safety_score: 0.5 })] }),
  },
  {
    name: 'a per-request limit',
    policy: testPolicy({ settings: { per_request_limit_usd: 0.001 } }),
  },
  { name: 'an org daily budget', policy: testPolicy({ settings: { daily_budget_usd: 0.002 } }) },
  // Another drift: an exhausted budget refuses even a request priced at zero in the gateway.
  { name: 'an exhausted org budget', policy: testPolicy({ settings: { daily_budget_usd: 0 } }) },
  {
    name: 'an agent budget_limit',
    policy: testPolicy({
      rules: [
        rule('budget_limit', { daily_limit_usd: 0.001 }, { scope: 'agent', agent_id: AGENT }),
      ],
    }),
  },
  {
    name: 'per-user budgets',
    policy: testPolicy({ settings: { user_budgets: { default_daily_usd: 0.001 } } }),
  },
  {
    name: 'a runner session budget',
    policy: testPolicy({ settings: { runner_session_budget_usd: 0.0001 } }),
  },
  {
    name: 'require_approval in production',
    policy: testPolicy({ rules: [rule('require_approval', { environment: 'production' })] }),
  },
  {
    name: 'require_approval for a model',
    policy: testPolicy({ rules: [rule('require_approval', { models: ['gpt-4o'] })] }),
  },
  {
    name: 'require_approval above a cost',
    policy: testPolicy({ rules: [rule('require_approval', { min_cost_usd: 0.002 })] }),
  },
  { name: 'the cost gate', policy: testPolicy({ settings: { hitl_cost_threshold_usd: 0.003 } }) },
];

const contextOf = (d: Document, r: Recorded): ChainContext => {
  const plan = d.plan ?? d.policy.document.plan;
  return prepared({
    policy: d.policy,
    views: testViews(d.policy, { plan }),
    request: chat('hello', {
      model: r.model,
      max_tokens: 200,
      ...(r.end_user ? { user: r.end_user } : {}),
    }),
    principal: { plan, team_id: TEAM, agent_id: AGENT, environment: r.environment },
    meta: { session_id: r.session_id ?? null },
  });
};

/** The gateway: its step objects in chain order on one context; the first that does not allow. */
function gatewayOutcome(ctx: ChainContext): SimOutcome {
  for (const step of SHARED) {
    const v = syncRun(step, ctx);
    if (v.kind === 'block') return { verdict: 'block', code: v.code, step: step.id };
    if (v.kind === 'needs_approval')
      return { verdict: 'needs_approval', code: 'approval_required', step: step.id };
    if (v.kind !== 'allow') throw new Error(`${step.id} answered ${v.kind}`);
  }
  return { verdict: 'allow', code: null, step: null };
}

/** The registry: the same request as `request.completed` records it, re-decided by simulate.ts. */
function registryOutcome(d: Document, r: Recorded, estimate: number): SimOutcome {
  const input: DecisionInput = {
    request_id: 'req_test',
    org_id: ORG,
    team_id: TEAM,
    key_id: KEY,
    agent_id: AGENT,
    session_id: r.session_id ?? null,
    end_user: r.end_user ?? null,
    environment: r.environment,
    model: r.model,
    provider: null,
    cost_micro_usd: estimate,
    reserved_micro_usd: estimate,
    completed_at: NOW.toISOString(),
  };
  return redecide(d.policy.document, input, new Map(), d.plan ?? d.policy.document.plan);
}

const cases = DOCUMENTS.flatMap((d) => RECORDED.map((r) => [d.name, r.name, d, r] as const));

describe('shared verdicts: simulate.ts and the gateway steps decide alike', () => {
  it.each(cases)('%s × %s', (_doc, _req, d, r) => {
    const ctx = contextOf(d, r);
    // The estimate the gateway reserves is what the recorded request carries.
    const estimate = ctx.estimate!.cost_micro_usd;
    expect(registryOutcome(d, r, estimate)).toEqual(gatewayOutcome(ctx));
  });

  it('the table reaches allow, a block at every shared step, and needs_approval', () => {
    const seen = new Set(
      cases.map(([, , d, r]) => {
        const o = gatewayOutcome(contextOf(d, r));
        return o.verdict === 'block' ? `block@${o.step}` : o.verdict;
      }),
    );
    const shared: StepId[] = SHARED.filter((s) => s.id !== 'hitl_gate').map((s) => s.id);
    expect([...seen].sort()).toEqual(
      expect.arrayContaining(['allow', 'needs_approval', ...shared.map((id) => `block@${id}`)]),
    );
    // No shared step is also declared as not simulated.
    expect(NOT_SIMULATED.filter((n) => SHARED.some((s) => s.id === n.step))).toEqual([]);
  });
});
