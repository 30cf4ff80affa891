import { budgetDocument, budgetLimitsFor } from '@llmgov/budget';
import type { Principal } from '@llmgov/chain';
import { DEFAULT_DEPLOYER, resolveModel, type PolicyDocument } from '@llmgov/policy-schema';
import { firstExceeded, perRequestRefusal } from './budget';
import { approvalTrigger } from './hitl-gate';
import { modelRefusal } from './model-access';
import { routingPoolDecision } from './routing-pool';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const principal = (over: Partial<Principal> = {}): Principal => ({
  org_id: 'org_a',
  plan: 'starter',
  key_id: 'key_a',
  team_id: null,
  agent_id: null,
  environment: 'production',
  agent_created_at: null,
  ...over,
});
const doc = (
  rules: Partial<PolicyDocument['rules'][number]>[] = [],
  deployer: Partial<PolicyDocument['deployer']> = {},
  settings: Partial<PolicyDocument['settings']> = {},
): PolicyDocument => ({
  ...budgetDocument(settings, rules),
  deployer: { ...DEFAULT_DEPLOYER, ...deployer },
});
const model = (name: string) => resolveModel(name)!;

describe('modelRefusal', () => {
  it("judges free-tier access by the principal's plan, not the document's", () => {
    const d = doc(); // a starter document
    expect(modelRefusal(d, principal({ plan: 'free' }), model('gpt-4o'), NOW)?.code).toBe(
      'paid_model_on_free_tier',
    );
    expect(modelRefusal({ ...d, plan: 'free' }, principal(), model('gpt-4o'), NOW)).toBeNull();
  });
});

describe('routingPoolDecision', () => {
  it('refuses a chain over the cap before filtering, leaving no pool', () => {
    const d = doc([], { max_chain_length: 1, minimum_safety_score: 0.5 });
    const r = routingPoolDecision(d, principal(), [model('gpt-4o')], 2);
    expect(r).toMatchObject({ pool: null, verdict: { kind: 'block', code: 'max_chain_length' } });
  });

  it('keeps rated models at or above the strictest floor; unrated ones leave', () => {
    const d = doc([{ policy_type: 'minimum_safety_score', config: { minimum_safety_score: 0.1 } }]);
    const pool = [model('gpt-4o'), model('gpt-3.5-turbo')];
    const r = routingPoolDecision(d, principal(), pool, 2);
    expect(r.pool!.map((m) => m.id)).toEqual(['gpt-4o']);
    expect(r.verdict).toEqual({ kind: 'allow', policy_id: 'pol_0' });
    expect(routingPoolDecision(d, principal(), [model('gpt-3.5-turbo')], 1).verdict).toMatchObject({
      kind: 'block',
      code: 'policy_safety_filter_empty',
    });
  });
});

describe('budget decisions', () => {
  it('the per-request limit refuses only above it', () => {
    expect(perRequestRefusal({ per_request_limit_usd: 0.01 }, 10_000)).toBeNull();
    expect(perRequestRefusal({ per_request_limit_usd: 0.01 }, 10_001)?.code).toBe(
      'per_request_limit',
    );
    expect(perRequestRefusal({ per_request_limit_usd: null }, 1e12)).toBeNull();
  });

  it('an exhausted budget refuses even a request priced at zero; one with room fits exactly', () => {
    const d = budgetDocument({ daily_budget_usd: 0.01 });
    const limits = budgetLimitsFor(
      d,
      { org_id: 'org_a', team_id: null, key_id: 'key_a', agent_id: null, session_id: null },
      NOW,
    );
    expect(firstExceeded(limits, () => 0, 10_000)).toBeUndefined();
    expect(firstExceeded(limits, () => 0, 10_001)?.code).toBe('daily_budget');
    expect(firstExceeded(limits, () => 10_000, 0)?.code).toBe('daily_budget');
  });
});

describe('approvalTrigger', () => {
  const facts = { cost_micro_usd: 5_000, model_id: 'gpt-4o', review_categories: ['self_harm'] };

  it('a matching require_approval rule first, then the cost gate, then the content gate', () => {
    const rule = { policy_type: 'require_approval' as const, config: { models: ['gpt-4o'] } };
    const gates = { hitl_cost_threshold_usd: 0.001 };
    expect(approvalTrigger(doc([rule], {}, gates), principal(), facts)?.trigger).toBe(
      'require_approval',
    );
    expect(approvalTrigger(doc([], {}, gates), principal(), facts)?.trigger).toBe('cost_gate');
    expect(approvalTrigger(doc(), principal(), facts)?.trigger).toBe('content_gate');
    expect(approvalTrigger(doc(), principal(), { ...facts, review_categories: [] })).toBeNull();
  });

  it('a rule for a model does not hold a request with no routed model', () => {
    const rule = { policy_type: 'require_approval' as const, config: { models: ['gpt-4o'] } };
    const none = { cost_micro_usd: 0, model_id: null, review_categories: [] };
    expect(approvalTrigger(doc([rule]), principal(), none)).toBeNull();
  });
});
