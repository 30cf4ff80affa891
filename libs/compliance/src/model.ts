import type {
  DeployerPolicy,
  GovernanceSettings,
  PolicyDocument,
  PolicyException,
  PolicyType,
  RiskTier,
  RuleScope,
} from '@llmgov/policy-schema';

/**
 * The version of the compliance model: the list of checks, their criteria and weights. A
 * change of any of them is a new version, so a score is only compared with scores of the
 * same version.
 */
export const COMPLIANCE_MODEL_VERSION = '2026-11.1';

export type CheckId =
  | 'art5_prohibited_practices'
  | 'art9_risk_management'
  | 'art10_data_governance'
  | 'art12_record_keeping'
  | 'art13_transparency'
  | 'art14_human_oversight'
  | 'art15_robustness'
  | 'art26_deployer_obligations'
  | 'art50_generated_content';

/** `not_applicable` (Art. 50 when the org declares no such purpose) is left out of the score. */
export type CheckStatus = 'pass' | 'partial' | 'fail' | 'not_applicable';

/** One criterion of a check, as looked at. */
export interface Evidence {
  /** A policy field (`settings.pii_scanning_enabled`), a product fact (`facts.audit.chain_verified`) or `product`. */
  source: string;
  /** The requirement, in words. */
  requirement: string;
  /** What was found: a field value, a count, a list of ids. */
  value: unknown;
  /** Whether the requirement holds; null when the fact is unknown (it does not count either way). */
  met: boolean | null;
  /** Whether the check's remediation patch can make it hold (a review or a signature cannot be patched in). */
  fixable: boolean;
}

export interface CheckResult {
  id: CheckId;
  /** e.g. `Art. 14` of Regulation (EU) 2024/1689. */
  article: string;
  title: string;
  weight: number;
  status: CheckStatus;
  evidence: Evidence[];
}

/** An agent as the registry knows it, with its newest review (from `agent.review.recorded`). */
export interface AgentFacts {
  agent_id: string;
  team_id: string | null;
  created_at: string;
  last_reviewed_at: string | null;
}

/**
 * Facts outside the policy document. `null` means the caller does not hold the fact: it is
 * reported as unknown evidence and neither raises nor lowers the score.
 */
export interface ProductFacts {
  /** Answered requests (`request.completed`, forwarded or cut) and how many name their model and provider. */
  requests: { recorded: number; with_model_and_provider: number } | null;
  /** Whether the org's audit hash chain verifies (`GET /audit/verify`). */
  audit: { chain_verified: boolean } | null;
  /** Decided approvals and how many were decided by the requester itself. */
  approvals: { decided: number; self_approved: number } | null;
}

export interface ComplianceInput {
  document: PolicyDocument;
  agents: readonly AgentFacts[];
  facts: ProductFacts;
  now: Date;
}

/** A typed rule a remediation adds (the registry gives it an id and times). */
export interface RuleDraft {
  name: string;
  policy_type: PolicyType;
  config: Record<string, unknown>;
  scope: RuleScope;
  team_id: string | null;
  agent_id: string | null;
  key_id: null;
}

/**
 * A concrete change of the policy document: each `settings` / `deployer` field given is the
 * field's whole new value; `add_rules` are appended; `exceptions`, when given, replaces the list.
 */
export interface PolicyPatch {
  settings?: Partial<GovernanceSettings>;
  deployer?: Partial<DeployerPolicy>;
  add_rules?: RuleDraft[];
  exceptions?: PolicyException[];
}

export interface ComplianceCheck {
  id: CheckId;
  article: string;
  title: string;
  /** Why the check maps to its article, in one sentence (docs/compliance.md). */
  why: string;
  weight: number;
  /** False when the article does not apply to this org (scored as not applicable). */
  applies?(input: ComplianceInput): boolean;
  evidence(input: ComplianceInput): Evidence[];
  /** The patch that makes every fixable unmet criterion hold (empty when there is none). */
  remedy(input: ComplianceInput): PolicyPatch;
}

export type AgentTier = RiskTier | 'unclassified';
