import type { DeployerPolicy, RiskTier } from './deployer.schema';
import type { GovernanceSettingsPatch } from './settings.schema';
import { EU_AI_ACT_TIERS } from './eu-ai-act';
import { CONTENT_CATEGORIES } from './categories';

export const TEMPLATE_NAMES = [
  'internal_productivity',
  'customer_support',
  'eu_bank',
  'healthcare',
  'law_enforcement',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** A starting point for a deployer policy (`POST /api/v1/policies {"template": …}`): deployer fields and settings. */
export interface PolicyTemplate {
  name: TemplateName;
  description: string;
  deployer: Omit<DeployerPolicy, 'required_signers'> & { required_signers?: number };
  settings: GovernanceSettingsPatch;
}

/** EU AI Act tiers every template starts from (eu-ai-act.ts). */
const EU_AI_ACT: Record<string, RiskTier> = { ...EU_AI_ACT_TIERS };

const open = {
  eligible_models: null,
  allowed_providers: null,
  minimum_safety_score: null,
  max_chain_length: null,
  free_tier_only: false,
};

/**
 * The five built-in templates of seed 004: each with log level, retention window, risk-tier
 * defaults and allowed purposes. Retention follows the sector rule it is named after:
 * DORA (EU 2022/2554) record keeping for banks, MDR (EU 2017/745) for healthcare.
 */
export const POLICY_TEMPLATES: Record<TemplateName, PolicyTemplate> = {
  internal_productivity: {
    name: 'internal_productivity',
    description:
      'Employees using assistants for drafting, summarising and code: light logging, minimal-risk purposes.',
    deployer: {
      ...open,
      allowed_purposes: ['summarisation', 'code_assistance', 'translation', 'content_generation'],
      log_level: 'minimal',
      retention_days: 90,
      risk_tier_defaults: EU_AI_ACT,
    },
    settings: {
      pii_patterns: { email: 'warn', phone: 'warn' },
      security_scanner: { enabled: true, sensitivity: 'medium' },
    },
  },
  customer_support: {
    name: 'customer_support',
    description:
      'Customer-facing chat: limited-risk transparency, PII redacted before it reaches a model.',
    deployer: {
      ...open,
      allowed_purposes: ['chatbot', 'summarisation', 'translation'],
      minimum_safety_score: 0.8,
      max_chain_length: 3,
      log_level: 'standard',
      retention_days: 365,
      risk_tier_defaults: EU_AI_ACT,
    },
    settings: {
      pii_action: 'redact',
      pii_patterns: { email: 'redact', phone: 'redact', credit_card: 'block', iban: 'redact' },
      content_safety: [...CONTENT_CATEGORIES],
    },
  },
  eu_bank: {
    name: 'eu_bank',
    description:
      'DORA-aligned banking: EU providers or vetted models, verbose audit kept 5 years, credit scoring high risk.',
    deployer: {
      ...open,
      allowed_purposes: [
        'credit_scoring',
        'fraud_detection',
        'customer_support',
        'summarisation',
        'code_assistance',
      ],
      minimum_safety_score: 0.85,
      max_chain_length: 2,
      log_level: 'verbose',
      retention_days: 1825,
      risk_tier_defaults: { ...EU_AI_ACT, fraud_detection: 'limited', customer_support: 'limited' },
    },
    settings: {
      pii_action: 'block',
      pii_patterns: { iban: 'block', credit_card: 'block', email: 'redact', phone: 'redact' },
      hitl_cost_threshold_usd: 5,
      security_scanner: { enabled: true, sensitivity: 'high' },
    },
  },
  healthcare: {
    name: 'healthcare',
    description:
      'MDR-aligned clinical support: high-risk purposes need consent, verbose audit kept 10 years.',
    deployer: {
      ...open,
      allowed_purposes: [
        'clinical_documentation',
        'triage_support',
        'summarisation',
        'translation',
      ],
      minimum_safety_score: 0.88,
      max_chain_length: 2,
      log_level: 'verbose',
      retention_days: 3650,
      risk_tier_defaults: {
        ...EU_AI_ACT,
        triage_support: 'high',
        clinical_documentation: 'limited',
      },
    },
    settings: {
      pii_action: 'redact',
      pii_patterns: { ssn: 'block', email: 'redact', phone: 'redact' },
      content_safety: ['self_harm', 'violence', 'illegal', 'weapons'],
      security_scanner: { enabled: true, sensitivity: 'high' },
    },
  },
  law_enforcement: {
    name: 'law_enforcement',
    description:
      'Public-sector investigation support: profiling-based prediction prohibited, every call logged verbosely.',
    deployer: {
      ...open,
      allowed_purposes: ['case_summarisation', 'translation', 'document_search'],
      minimum_safety_score: 0.9,
      max_chain_length: 1,
      log_level: 'verbose',
      retention_days: 3650,
      risk_tier_defaults: {
        ...EU_AI_ACT,
        biometric_identification: 'prohibited',
        case_summarisation: 'high',
        document_search: 'limited',
      },
    },
    settings: {
      pii_action: 'redact',
      security_scanner: { enabled: true, sensitivity: 'high' },
      hitl_cost_threshold_usd: 1,
    },
  },
};
