import type { GovernanceSettings } from './settings.schema';
import type { DeployerPolicy } from './deployer.schema';
import { PROHIBITED_TIERS } from './eu-ai-act';

export type Plan = 'free' | 'starter' | 'growth' | 'enterprise';

const MB = 1024 * 1024;

/** Seed defaults for every plan: PII per pattern (seed table: warn for email and phone, block the rest). */
const PII_DEFAULTS: GovernanceSettings['pii_patterns'] = {
  api_key: 'block',
  password: 'block',
  email: 'warn',
  ssn: 'block',
  credit_card: 'block',
  phone: 'warn',
  jwt: 'block',
  private_key: 'block',
  iban: 'block',
};

const common = {
  key_rpm: 60,
  burst_pct: 10,
  team_budgets: {},
  key_budgets: {},
  runner_session_budget_usd: 5,
  pii_scanning_enabled: true,
  pii_action: 'block',
  pii_patterns: PII_DEFAULTS,
  content_safety: ['illegal', 'weapons'],
  content_review: [],
  hitl_timeout_hours: 24,
  security_scanner: { enabled: true, sensitivity: 'medium' },
} satisfies Partial<GovernanceSettings>;

/**
 * Default governance settings by plan: the seed's "Default Policy by Plan" table.
 * Enterprise's "Custom" is unlimited (null) until the org sets a value; "Unlimited"
 * reasoning tokens is null. The daily request quota is ours (the seed names plan quotas
 * but no figures): 24 h of the plan's RPM at 50 % duty.
 *
 * Per-request limit and cost-gate threshold: the seed's figures swapped. As the seed gives
 * them (free $0.10 limit, $1 gate) the gate could never fire: step 9 refuses a request above
 * the limit before step 13 sees it. Swapped, a request between the two is held for approval,
 * one above both refused — nothing the seed refused passes without a human
 * (`settingsWarnings` flags an unreachable gate an org sets itself).
 */
export const PLAN_DEFAULTS: Record<Plan, GovernanceSettings> = {
  free: {
    ...common,
    rate_limit_rpm: 20,
    daily_request_quota: 14_400,
    daily_budget_usd: 1,
    per_request_limit_usd: 1,
    model_allowlist: {
      mode: 'explicit',
      models: ['gpt-4o-mini', 'claude-3-5-haiku-20241022', 'mock/echo'],
    },
    hitl_cost_threshold_usd: 0.1,
    body_size_limit_bytes: 1 * MB,
    reasoning_token_cap: 1_024,
  },
  starter: {
    ...common,
    rate_limit_rpm: 100,
    daily_request_quota: 72_000,
    daily_budget_usd: 10,
    per_request_limit_usd: 10,
    model_allowlist: { mode: 'tier', max_tier: 'standard' },
    hitl_cost_threshold_usd: 1,
    body_size_limit_bytes: 10 * MB,
    reasoning_token_cap: 16_384,
  },
  growth: {
    ...common,
    rate_limit_rpm: 500,
    daily_request_quota: 360_000,
    daily_budget_usd: 100,
    per_request_limit_usd: 50,
    model_allowlist: { mode: 'all' },
    hitl_cost_threshold_usd: 5,
    body_size_limit_bytes: 25 * MB,
    reasoning_token_cap: 32_768,
  },
  enterprise: {
    ...common,
    rate_limit_rpm: null,
    key_rpm: null,
    daily_request_quota: null,
    daily_budget_usd: null,
    per_request_limit_usd: null,
    runner_session_budget_usd: null,
    model_allowlist: { mode: 'all' },
    hitl_cost_threshold_usd: null,
    body_size_limit_bytes: 50 * MB,
    reasoning_token_cap: null,
  },
};

/**
 * The deployer section of a new org: quorum 0 (active at once), no restriction but one — the
 * Art. 5 prohibited practices are refused from the start on every plan (issue 13); an org
 * that needs a change publishes its own `risk_tier_defaults`.
 */
export const DEFAULT_DEPLOYER: DeployerPolicy = {
  eligible_models: null,
  allowed_providers: null,
  allowed_purposes: null,
  minimum_safety_score: null,
  max_chain_length: null,
  free_tier_only: false,
  log_level: 'standard',
  retention_days: 365,
  risk_tier_defaults: { ...PROHIBITED_TIERS },
  required_signers: 0,
};
