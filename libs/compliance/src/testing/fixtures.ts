import {
  DEFAULT_DEPLOYER,
  EU_AI_ACT_TIERS,
  PLAN_DEFAULTS,
  type PolicyDocument,
  type PolicyRule,
} from '@llmgov/policy-schema';
import type { ComplianceInput } from '../model';

export const NOW = new Date('2026-06-15T12:00:00.000Z');
export const HIGH_AGENT = 'agt_credit';
export const MINIMAL_AGENT = 'agt_summary';

const at = '2026-06-01T00:00:00.000Z';
export const storedRule = (
  id: string,
  policy_type: PolicyRule['policy_type'],
  config: Record<string, unknown>,
  agent_id: string | null = null,
): PolicyDocument['rules'][number] => ({
  id,
  name: id,
  description: null,
  policy_type,
  config,
  scope: agent_id ? 'agent' : 'global',
  team_id: null,
  agent_id,
  key_id: null,
  enabled: true,
  created_at: at,
  updated_at: at,
});

/** An org that passes every check: the reference the tables below break one field at a time. */
export function compliant(): ComplianceInput {
  const document: PolicyDocument = {
    org_id: 'org_c',
    plan: 'growth',
    settings: structuredClone(PLAN_DEFAULTS.growth),
    rules: [
      storedRule('pol_review', 'require_human_review', { review_interval_days: 30 }),
      storedRule('pol_hitl', 'require_approval', {}, HIGH_AGENT),
    ],
    deployer: {
      ...structuredClone(DEFAULT_DEPLOYER),
      risk_tier_defaults: { ...EU_AI_ACT_TIERS },
      agent_purposes: { [HIGH_AGENT]: ['credit_scoring'], [MINIMAL_AGENT]: ['summarisation'] },
      required_signers: 1,
    },
    exceptions: [],
  };
  return {
    document,
    agents: [
      {
        agent_id: HIGH_AGENT,
        team_id: null,
        created_at: at,
        last_reviewed_at: '2026-06-10T00:00:00.000Z',
      },
      { agent_id: MINIMAL_AGENT, team_id: null, created_at: at, last_reviewed_at: null },
    ],
    facts: {
      requests: { recorded: 10, with_model_and_provider: 10 },
      audit: { chain_verified: true },
      approvals: { decided: 3, self_approved: 0 },
    },
    now: NOW,
  };
}

/** `compliant()` changed by `edit` (which may mutate its argument). */
export function given(edit: (input: ComplianceInput) => void): ComplianceInput {
  const input = compliant();
  edit(input);
  return input;
}
