import {
  DEFAULT_DEPLOYER,
  PLAN_DEFAULTS,
  type GovernanceSettings,
  type PolicyDocument,
  type PolicyRule,
} from '@llmgov/policy-schema';
import type { BudgetPrincipal } from './budget-limit';

/** A starter-plan document with budget settings and rules overridden (for tests). */
export function budgetDocument(
  settings: Partial<GovernanceSettings> = {},
  rules: Partial<PolicyRule>[] = [],
): PolicyDocument {
  return {
    org_id: 'org_a',
    plan: 'starter',
    settings: { ...PLAN_DEFAULTS.starter, ...settings },
    rules: rules.map((r, i) => ({
      id: `pol_${i}`,
      name: `rule ${i}`,
      description: null,
      policy_type: 'budget_limit',
      config: { monthly_limit_usd: 500 },
      scope: 'global',
      team_id: null,
      agent_id: null,
      key_id: null,
      enabled: true,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
      ...r,
    })) as PolicyDocument['rules'],
    deployer: DEFAULT_DEPLOYER,
    exceptions: [],
  };
}

export const principal = (over: Partial<BudgetPrincipal> = {}): BudgetPrincipal => ({
  org_id: 'org_a',
  team_id: 'team_t',
  key_id: 'gk_id_k',
  agent_id: 'agt_x',
  session_id: null,
  ...over,
});
