import type { ComplianceCheck, ComplianceInput, PolicyPatch } from '../model';
import {
  agentTier,
  fact,
  field,
  overdueAgents,
  rule,
  ruleCovers,
  noneListed,
} from '../policy-facts';

/** The cost gate a remediation sets when the org has no human-approval gate: the seed's starter default. */
export const REMEDY_HITL_COST_THRESHOLD_USD = 10;

const hasGate = ({ document: { settings, rules } }: ComplianceInput) =>
  settings.hitl_cost_threshold_usd !== null ||
  (settings.hitl_confidence_threshold ?? null) !== null ||
  settings.content_review.length > 0 ||
  rules.some((r) => r.enabled && r.policy_type === 'require_approval');

const ungatedHighRisk = ({ document, agents }: ComplianceInput) =>
  agents
    .filter(
      (a) =>
        agentTier(document, a.agent_id) === 'high' && !ruleCovers(document, 'require_approval', a),
    )
    .map((a) => a.agent_id);

/** Art. 14: human oversight — approval gates, high-risk agents under review, no self-approval. */
export const art14HumanOversight: ComplianceCheck = {
  id: 'art14_human_oversight',
  article: 'Art. 14',
  title: 'Human approval gates and agent reviews',
  why:
    'Art. 14 requires that natural persons can oversee a high-risk system and decide not to use its ' +
    'output: approval gates, periodic reviews, a second person deciding.',
  weight: 3,
  evidence(input) {
    const { settings } = input.document;
    const ungated = ungatedHighRisk(input);
    const overdue = overdueAgents(input.document, input.agents, input.now);
    const approvals = input.facts.approvals;
    return [
      field(
        'settings.hitl_cost_threshold_usd',
        'a human-approval gate is configured (cost, confidence or content gate, or require_approval)',
        settings.hitl_cost_threshold_usd,
        hasGate(input),
      ),
      noneListed(
        'rules.require_approval',
        'every high-risk agent needs approval (require_approval binds it)',
        { high_risk_agents_without_gate: ungated },
      ),
      noneListed(
        'facts.agent_reviews',
        'no agent review is overdue',
        { overdue_agents: overdue },
        false,
      ),
      fact(
        'facts.approvals',
        'no approval was decided by its requester',
        approvals ?? 'unknown',
        approvals ? approvals.self_approved === 0 : null,
      ),
    ];
  },
  remedy(input) {
    const patch: PolicyPatch = {};
    if (!hasGate(input))
      patch.settings = { hitl_cost_threshold_usd: REMEDY_HITL_COST_THRESHOLD_USD };
    const ungated = ungatedHighRisk(input);
    if (ungated.length > 0)
      patch.add_rules = ungated.map((id) =>
        rule(
          'require_approval',
          {},
          `compliance: human approval for high-risk agent ${id} (Art. 14)`,
          id,
        ),
      );
    return patch;
  },
};
