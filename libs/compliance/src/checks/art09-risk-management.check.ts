import { ANNEX_III_HIGH_RISK_PURPOSES } from '@llmgov/policy-schema';
import type { ComplianceCheck, PolicyPatch } from '../model';
import { field, rule, ruleCovers, noneListed } from '../policy-facts';

/** Days between agent reviews a remediation schedules: a quarter. */
export const REMEDY_REVIEW_INTERVAL_DAYS = 90;

/** Art. 9: risks are identified (tiers for the Annex III areas, each agent's purposes) and reviewed on a schedule. */
export const art9RiskManagement: ComplianceCheck = {
  id: 'art9_risk_management',
  article: 'Art. 9',
  title: 'Risk tiers assigned and reviewed on a schedule',
  why:
    'Art. 9 asks for a risk management process run over the whole lifecycle: known ' +
    'risk tiers for each use and a recurring review.',
  weight: 2,
  evidence({ document, agents }) {
    const tiers = document.deployer.risk_tier_defaults;
    const untiered = ANNEX_III_HIGH_RISK_PURPOSES.filter(
      (p) => tiers[p] !== 'high' && tiers[p] !== 'prohibited',
    );
    const undeclared = agents
      .filter((a) => !document.deployer.agent_purposes?.[a.agent_id])
      .map((a) => a.agent_id);
    const unscheduled = agents
      .filter((a) => !ruleCovers(document, 'require_human_review', a))
      .map((a) => a.agent_id);
    const anySchedule = document.rules.some(
      (r) => r.enabled && r.policy_type === 'require_human_review',
    );
    return [
      noneListed(
        'deployer.risk_tier_defaults',
        'every Annex III area is classified high risk (or prohibited)',
        { not_high: untiered },
      ),
      noneListed(
        'deployer.agent_purposes',
        'every agent has declared purposes, hence a risk tier',
        { agents_without_purposes: undeclared },
        false,
      ),
      field(
        'rules.require_human_review',
        'a review schedule binds every agent',
        { agents_unscheduled: unscheduled, schedule_rules: anySchedule },
        anySchedule && unscheduled.length === 0,
      ),
    ];
  },
  remedy({ document, agents }) {
    const patch: PolicyPatch = {};
    const tiers = document.deployer.risk_tier_defaults;
    const untiered = ANNEX_III_HIGH_RISK_PURPOSES.filter(
      (p) => tiers[p] !== 'high' && tiers[p] !== 'prohibited',
    );
    if (untiered.length > 0)
      patch.deployer = {
        risk_tier_defaults: {
          ...tiers,
          ...Object.fromEntries(untiered.map((p) => [p, 'high' as const])),
        },
      };
    const anySchedule = document.rules.some(
      (r) => r.enabled && r.policy_type === 'require_human_review',
    );
    if (!anySchedule || agents.some((a) => !ruleCovers(document, 'require_human_review', a))) {
      patch.add_rules = [
        rule(
          'require_human_review',
          { review_interval_days: REMEDY_REVIEW_INTERVAL_DAYS, on_overdue: 'warn' },
          'compliance: quarterly agent review (Art. 9)',
        ),
      ];
    }
    return patch;
  },
};
