import type { ComplianceCheck } from '../model';
import { art5ProhibitedPractices } from './art05-prohibited-practices.check';
import { art9RiskManagement } from './art09-risk-management.check';
import { art10DataGovernance } from './art10-data-governance.check';
import { art12RecordKeeping } from './art12-record-keeping.check';
import { art13Transparency } from './art13-transparency.check';
import { art14HumanOversight } from './art14-human-oversight.check';
import { art15Robustness } from './art15-robustness.check';
import { art26DeployerObligations } from './art26-deployer-obligations.check';
import { art50GeneratedContent } from './art50-generated-content.check';

/** The checks of COMPLIANCE_MODEL_VERSION, in article order. */
export const COMPLIANCE_CHECKS: readonly ComplianceCheck[] = [
  art5ProhibitedPractices,
  art9RiskManagement,
  art10DataGovernance,
  art12RecordKeeping,
  art13Transparency,
  art14HumanOversight,
  art15Robustness,
  art26DeployerObligations,
  art50GeneratedContent,
];
