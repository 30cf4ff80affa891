/** Wire shapes of the routes the console reads (docs/contract.md), snake_case as answered. */
export type Role = 'owner' | 'admin' | 'reviewer' | 'viewer';

export interface Key {
  id: string;
  kind: 'gateway' | 'admin';
  role: Role | null;
  team_id: string | null;
  agent_id: string | null;
  name: string | null;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  status: 'active' | 'revoked';
}

export interface Team {
  id: string;
  name: string;
  created_at: string;
}

export interface Agent {
  id: string;
  name: string;
  environment: string;
  team_id: string | null;
  created_at: string;
  review?: {
    required: boolean;
    review_interval_days: number | null;
    last_reviewed_at: string | null;
    next_review_due: string | null;
    overdue: boolean;
  };
}

export interface Approval {
  id: string;
  status: 'pending' | 'granted' | 'rejected' | 'expired' | 'consumed';
  model: string;
  provider: string;
  key_id: string;
  agent_id: string | null;
  team_id: string | null;
  environment: string | null;
  trigger: { kind: string; detail: string; policy_id: string | null };
  estimated_cost_usd: number;
  requested_at: string;
  expires_at: string;
  decided_by: { kind: string; id: string } | null;
  decided_at: string | null;
  reason: string | null;
  policy_version: number;
}

export interface PolicyVersion {
  id: string;
  policy_id: string;
  policy_version: number;
  status: 'draft' | 'active' | 'superseded';
  digest: string;
  signatures: { signer: string; signed_at: string }[];
  required_signers: number;
  effective_date: string | null;
  created_at: string;
  change?: { kind: string } | null;
  document?: { plan: string; settings: Settings; deployer: Record<string, unknown>; rules: Rule[] };
}

export interface Rule {
  id: string;
  name: string;
  description?: string | null;
  policy_type: string;
  config: Record<string, unknown>;
  scope: 'global' | 'team' | 'agent' | 'key';
  team_id?: string | null;
  agent_id?: string | null;
  key_id?: string | null;
  enabled: boolean;
  created_at?: string;
}

export type PiiAction = 'block' | 'warn' | 'redact' | 'off';
export type ModelAllowlist =
  { mode: 'all' } | { mode: 'tier'; max_tier: string } | { mode: 'explicit'; models: string[] };

export interface Settings {
  rate_limit_rpm: number | null;
  key_rpm: number | null;
  burst_pct: number;
  daily_request_quota: number | null;
  daily_budget_usd: number | null;
  per_request_limit_usd: number | null;
  team_budgets: Record<string, number>;
  key_budgets: Record<string, number>;
  runner_session_budget_usd: number | null;
  pii_scanning_enabled: boolean;
  pii_action: 'block' | 'warn' | 'redact';
  pii_patterns: Partial<Record<string, PiiAction>>;
  content_safety: string[];
  content_review: string[];
  model_allowlist: ModelAllowlist;
  hitl_cost_threshold_usd: number | null;
  hitl_timeout_hours: number;
  security_scanner: { enabled: boolean; sensitivity: 'low' | 'medium' | 'high' };
  body_size_limit_bytes: number;
  reasoning_token_cap: number | null;
}

export interface CatalogueModel {
  id: string;
  provider: string;
  tier: string;
  input_per_mtok_usd: number;
  output_per_mtok_usd: number;
}

export interface Defaults {
  plan: string;
  settings: Settings;
  models: CatalogueModel[];
}

export interface AuditEntry {
  chain: string;
  position: number;
  event_id: string;
  type: string;
  time: string;
  recorded_at: string;
  actor: { kind: string; id: string } | null;
  agent_id: string | null;
  key_id: string | null;
  model: string | null;
  step: string | null;
  code: string | null;
  policy_version: number | null;
  request_id: string | null;
  prev_hash?: string;
  hash?: string;
  event?: { data?: Record<string, unknown> };
}

export interface BudgetStatus {
  scope: string;
  scope_id: string;
  code: string;
  label: string;
  period: string;
  limit_usd: number | null;
  spent_usd: number;
  remaining_usd: number | null;
}

export interface SpendRow {
  group_by: string;
  id: string | null;
  period_start: string;
  spent_usd: number;
  requests: number;
}

/** EU AI Act compliance (GET /governance/compliance, docs/compliance.md). */
export type CheckStatus = 'pass' | 'partial' | 'fail' | 'not_applicable';

export interface ComplianceEvidence {
  source: string;
  requirement: string;
  value: unknown;
  met: boolean | null;
  fixable: boolean;
}

export interface ComplianceCheck {
  id: string;
  article: string;
  title: string;
  weight: number;
  status: CheckStatus;
  evidence: ComplianceEvidence[];
}

export interface ComplianceReport {
  org_id: string;
  policy_version?: number;
  model_version: string;
  score: number;
  checks: ComplianceCheck[];
  by_risk_tier: { tier: string; agents: string[]; score: number }[];
}

export interface Remediation {
  id: string;
  check_id: string;
  article: string;
  title: string;
  diff: { path: string; before: unknown; after: unknown }[];
  status_before: CheckStatus;
  status_after: CheckStatus;
  score_before: number;
  score_after: number;
}

export interface AppliedRemediation extends Remediation {
  dry_run: boolean;
  version?: PolicyVersion;
}
