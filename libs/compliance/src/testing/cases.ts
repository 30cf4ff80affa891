import type { CheckId, CheckStatus, ComplianceInput } from '../model';
import { MINIMAL_AGENT, storedRule } from './fixtures';

/**
 * Each row: a check, a change of the compliant org, the status it yields, and the evidence
 * (source → met) that says why.
 */
export const CHECK_CASES: Array<
  [CheckId, string, (i: ComplianceInput) => void, CheckStatus, Array<[string, boolean | null]>]
> = [
  [
    'art5_prohibited_practices',
    'one Art. 5 purpose reclassified',
    (i) => void (i.document.deployer.risk_tier_defaults.social_scoring = 'high'),
    'partial',
    [
      ['deployer.risk_tier_defaults', false],
      ['deployer.allowed_purposes', true],
      ['deployer.agent_purposes', true],
    ],
  ],
  [
    'art5_prohibited_practices',
    'no tiers, social scoring allowed and declared',
    (i) => {
      i.document.deployer.risk_tier_defaults = {};
      i.document.deployer.allowed_purposes = ['social_scoring'];
      i.document.deployer.agent_purposes = { agt_x: ['social_scoring'] };
    },
    'fail',
    [
      ['deployer.risk_tier_defaults', false],
      ['deployer.allowed_purposes', false],
      ['deployer.agent_purposes', false],
    ],
  ],
  [
    'art9_risk_management',
    'an Annex III area unclassified',
    (i) => void delete i.document.deployer.risk_tier_defaults.credit_scoring,
    'partial',
    [
      ['deployer.risk_tier_defaults', false],
      ['deployer.agent_purposes', true],
      ['rules.require_human_review', true],
    ],
  ],
  [
    'art9_risk_management',
    'no tiers, no declared purposes, no review schedule',
    (i) => {
      i.document.deployer.risk_tier_defaults = {};
      delete i.document.deployer.agent_purposes;
      i.document.rules = [];
    },
    'fail',
    [
      ['deployer.risk_tier_defaults', false],
      ['deployer.agent_purposes', false],
      ['rules.require_human_review', false],
    ],
  ],
  [
    'art10_data_governance',
    'SSNs only warned',
    (i) => void (i.document.settings.pii_patterns.ssn = 'warn'),
    'partial',
    [
      ['settings.pii_scanning_enabled', true],
      ['settings.pii_patterns', false],
    ],
  ],
  [
    'art10_data_governance',
    'scanning off and default action warn',
    (i) => {
      i.document.settings.pii_scanning_enabled = false;
      i.document.settings.pii_action = 'warn';
      i.document.settings.pii_patterns = {};
    },
    'fail',
    [
      ['settings.pii_scanning_enabled', false],
      ['settings.pii_patterns', false],
    ],
  ],
  [
    'art12_record_keeping',
    'retention of 90 days',
    (i) => void (i.document.deployer.retention_days = 90),
    'partial',
    [
      ['deployer.log_level', true],
      ['deployer.retention_days', false],
      ['facts.audit.chain_verified', true],
    ],
  ],
  [
    'art12_record_keeping',
    'minimal log, short retention, broken chain',
    (i) => {
      i.document.deployer.log_level = 'minimal';
      i.document.deployer.retention_days = 30;
      i.facts.audit = { chain_verified: false };
    },
    'fail',
    [
      ['deployer.log_level', false],
      ['deployer.retention_days', false],
      ['facts.audit.chain_verified', false],
    ],
  ],
  [
    'art12_record_keeping',
    'audit chain unknown: reported, not counted',
    (i) => void (i.facts.audit = null),
    'pass',
    [
      ['deployer.log_level', true],
      ['deployer.retention_days', true],
      ['facts.audit.chain_verified', null],
    ],
  ],
  [
    'art13_transparency',
    'minimal log level drops the decision trace',
    (i) => void (i.document.deployer.log_level = 'minimal'),
    'partial',
    [
      ['product', true],
      ['facts.requests', true],
      ['deployer.log_level', false],
    ],
  ],
  [
    'art13_transparency',
    'requests without a provider',
    (i) => void (i.facts.requests = { recorded: 4, with_model_and_provider: 3 }),
    'partial',
    [
      ['product', true],
      ['facts.requests', false],
      ['deployer.log_level', true],
    ],
  ],
  [
    'art14_human_oversight',
    'the high-risk agent has no approval gate',
    (i) => void (i.document.rules = i.document.rules.filter((r) => r.id !== 'pol_hitl')),
    'partial',
    [
      ['settings.hitl_cost_threshold_usd', true],
      ['rules.require_approval', false],
      ['facts.agent_reviews', true],
      ['facts.approvals', true],
    ],
  ],
  [
    'art14_human_oversight',
    'no gate at all, a review overdue, a self-approval',
    (i) => {
      i.document.rules = i.document.rules.filter((r) => r.id !== 'pol_hitl');
      i.document.settings.hitl_cost_threshold_usd = null;
      i.agents[1].created_at = '2026-01-01T00:00:00.000Z';
      i.facts.approvals = { decided: 2, self_approved: 1 };
    },
    'fail',
    [
      ['settings.hitl_cost_threshold_usd', false],
      ['rules.require_approval', false],
      ['facts.agent_reviews', false],
      ['facts.approvals', false],
    ],
  ],
  [
    'art15_robustness',
    'scanner at low sensitivity',
    (i) => void (i.document.settings.security_scanner = { enabled: true, sensitivity: 'low' }),
    'partial',
    [
      ['settings.security_scanner', false],
      ['settings.content_safety', true],
      ['settings.rate_limit_rpm', true],
    ],
  ],
  [
    'art15_robustness',
    'scanner off, no categories, no rate limit',
    (i) => {
      i.document.settings.security_scanner = { enabled: false, sensitivity: 'medium' };
      i.document.settings.content_safety = [];
      i.document.settings.rate_limit_rpm = null;
      i.document.settings.key_rpm = null;
    },
    'fail',
    [
      ['settings.security_scanner', false],
      ['settings.content_safety', false],
      ['settings.rate_limit_rpm', false],
    ],
  ],
  [
    'art15_robustness',
    'a rate_limit rule stands in for the org RPM',
    (i) => {
      i.document.settings.rate_limit_rpm = null;
      i.document.settings.key_rpm = null;
      i.document.rules.push(storedRule('pol_rate', 'rate_limit', { requests_per_minute: 30 }));
    },
    'pass',
    [
      ['settings.security_scanner', true],
      ['settings.content_safety', true],
      ['settings.rate_limit_rpm', true],
    ],
  ],
  [
    'art26_deployer_obligations',
    'quorum 0',
    (i) => void (i.document.deployer.required_signers = 0),
    'partial',
    [
      ['deployer.required_signers', false],
      ['exceptions', true],
    ],
  ],
  [
    'art26_deployer_obligations',
    'quorum 0 and a year-long exception',
    (i) => {
      i.document.deployer.required_signers = 0;
      i.document.exceptions = [
        {
          id: 'exc_1',
          kind: 'model',
          target: 'gpt-4o',
          scope: 'org',
          scope_id: null,
          approver: 'a@x',
          reason: 'r',
          expires_at: '2027-06-01T00:00:00.000Z',
          created_at: '2026-06-01T00:00:00.000Z',
        },
      ];
    },
    'fail',
    [
      ['deployer.required_signers', false],
      ['exceptions', false],
    ],
  ],
  [
    'art50_generated_content',
    'a declared chatbot classified limited',
    (i) => void (i.document.deployer.agent_purposes![MINIMAL_AGENT] = ['chatbot']),
    'pass',
    [
      ['deployer.risk_tier_defaults', true],
      ['deployer application', null],
    ],
  ],
  [
    'art50_generated_content',
    'a declared chatbot left unclassified',
    (i) => {
      i.document.deployer.allowed_purposes = ['content_generation', 'summarisation'];
      delete i.document.deployer.risk_tier_defaults.content_generation;
    },
    'fail',
    [
      ['deployer.risk_tier_defaults', false],
      ['deployer application', null],
    ],
  ],
];
