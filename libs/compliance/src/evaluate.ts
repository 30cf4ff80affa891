import { COMPLIANCE_CHECKS } from './checks';
import {
  COMPLIANCE_MODEL_VERSION,
  type AgentTier,
  type CheckResult,
  type CheckStatus,
  type ComplianceCheck,
  type ComplianceInput,
  type Evidence,
} from './model';
import { agentTier } from './policy-facts';

/** pass when every known criterion holds, fail when none does, partial in between; unknowns do not count. */
export function statusOf(evidence: readonly Evidence[]): CheckStatus {
  const known = evidence.filter((e) => e.met !== null);
  if (known.every((e) => e.met)) return 'pass';
  return known.some((e) => e.met) ? 'partial' : 'fail';
}

export function runCheck(check: ComplianceCheck, input: ComplianceInput): CheckResult {
  const base = { id: check.id, article: check.article, title: check.title, weight: check.weight };
  if (check.applies && !check.applies(input))
    return { ...base, status: 'not_applicable', evidence: [] };
  const evidence = check.evidence(input);
  return { ...base, status: statusOf(evidence), evidence };
}

const VALUE: Record<Exclude<CheckStatus, 'not_applicable'>, number> = {
  pass: 1,
  partial: 0.5,
  fail: 0,
};

/** The weighted share of the applicable checks, 0–100 with one decimal (pass 1, partial ½, fail 0). */
export function scoreOf(results: readonly CheckResult[]): number {
  let total = 0;
  let earned = 0;
  for (const r of results) {
    if (r.status === 'not_applicable') continue;
    total += r.weight;
    earned += r.weight * VALUE[r.status];
  }
  return total === 0 ? 100 : Math.round((1000 * earned) / total) / 10;
}

export interface TierScore {
  tier: AgentTier;
  agents: string[];
  score: number;
}

export interface ComplianceReport {
  model_version: string;
  score: number;
  checks: CheckResult[];
  /** The score with the agent-bound criteria looked at over the agents of one risk tier only. */
  by_risk_tier: TierScore[];
}

const TIERS: readonly AgentTier[] = ['prohibited', 'high', 'limited', 'minimal', 'unclassified'];

export const evaluateChecks = (input: ComplianceInput): CheckResult[] =>
  COMPLIANCE_CHECKS.map((c) => runCheck(c, input));

/** The org's compliance: every check with its evidence, the score, and the score per agent risk tier. */
export function evaluateCompliance(input: ComplianceInput): ComplianceReport {
  const checks = evaluateChecks(input);
  const by_risk_tier: TierScore[] = [];
  for (const tier of TIERS) {
    const agents = input.agents.filter((a) => agentTier(input.document, a.agent_id) === tier);
    if (agents.length === 0) continue;
    by_risk_tier.push({
      tier,
      agents: agents.map((a) => a.agent_id),
      score: scoreOf(evaluateChecks({ ...input, agents })),
    });
  }
  return { model_version: COMPLIANCE_MODEL_VERSION, score: scoreOf(checks), checks, by_risk_tier };
}
