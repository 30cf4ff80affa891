import {
  requirementFor,
  reviewRulesOf,
  reviewStatus,
  type PolicyDocument,
  type RiskTier,
} from '@llmgov/policy-schema';
import type { AgentFacts, AgentTier, Evidence, RuleDraft } from './model';

const TIER_ORDER: readonly RiskTier[] = ['prohibited', 'high', 'limited', 'minimal'];

/** An agent's risk tier: the highest tier of the purposes declared for it (`deployer.agent_purposes`). */
export function agentTier(doc: PolicyDocument, agentId: string): AgentTier {
  const purposes = doc.deployer.agent_purposes?.[agentId] ?? [];
  const tiers = purposes
    .map((p) => doc.deployer.risk_tier_defaults[p])
    .filter((t): t is RiskTier => t !== undefined);
  return TIER_ORDER.find((t) => tiers.includes(t)) ?? 'unclassified';
}

/** Whether an enabled rule of this type binds the agent (global, its team, or the agent itself). */
export function ruleCovers(
  doc: PolicyDocument,
  type: RuleDraft['policy_type'],
  agent: Pick<AgentFacts, 'agent_id' | 'team_id'>,
): boolean {
  return doc.rules.some(
    (r) =>
      r.enabled &&
      r.policy_type === type &&
      (r.scope === 'global' ||
        (r.scope === 'team' && r.team_id !== null && r.team_id === agent.team_id) ||
        (r.scope === 'agent' && r.agent_id === agent.agent_id)),
  );
}

/** Agents whose review is overdue at `now` under the document's `require_human_review` rules. */
export function overdueAgents(
  doc: PolicyDocument,
  agents: readonly AgentFacts[],
  now: Date,
): string[] {
  const rules = reviewRulesOf(doc.rules);
  return agents
    .filter(
      (a) =>
        reviewStatus(
          a,
          requirementFor(rules, a),
          a.last_reviewed_at ? { reviewed_at: a.last_reviewed_at } : null,
          now,
        ).overdue,
    )
    .map((a) => a.agent_id);
}

/** Criterion builders: a policy field (fixable or not) and a product fact (null = unknown). */
export const field = (
  source: string,
  requirement: string,
  value: unknown,
  met: boolean,
  fixable = true,
): Evidence => ({
  source,
  requirement,
  value,
  met,
  fixable,
});
/** A policy field met when nothing is listed: `listed` names the lists that must be empty. */
export const noneListed = (
  source: string,
  requirement: string,
  listed: Record<string, readonly unknown[]>,
  fixable = true,
): Evidence =>
  field(
    source,
    requirement,
    listed,
    Object.values(listed).every((list) => list.length === 0),
    fixable,
  );
export const fact = (
  source: string,
  requirement: string,
  value: unknown,
  met: boolean | null,
): Evidence => ({
  source,
  requirement,
  value,
  met,
  fixable: false,
});

export const rule = (
  policy_type: RuleDraft['policy_type'],
  config: Record<string, unknown>,
  name: string,
  agentId: string | null = null,
): RuleDraft => ({
  name,
  policy_type,
  config,
  scope: agentId ? 'agent' : 'global',
  team_id: null,
  agent_id: agentId,
  key_id: null,
});
