import type { ChainStep } from '@llmgov/chain';
import { authenticateStep } from './authenticate.step';
import { requestLimitsStep } from './request-limits.step';
import { riskClassificationStep } from './risk-classification.step';
import { rateLimitStep } from './rate-limit.step';
import { agentReviewStep } from './agent-review.step';
import { providerGateStep } from './provider-gate.step';
import { modelAccessStep } from './model-access.step';
import { routingPoolStep } from './routing-pool.step';
import { budgetStep } from './budget.step';
import { piiScanStep } from './pii-scan.step';
import { contentSafetyStep } from './content-safety.step';
import { securityScanStep } from './security-scan.step';
import { hitlGateStep } from './hitl-gate.step';

/** The 13 steps in chain order (chain-order.spec.ts checks it against STEP_IDS). */
export const CHAIN_STEPS: readonly ChainStep[] = [
  authenticateStep,
  requestLimitsStep,
  riskClassificationStep,
  rateLimitStep,
  agentReviewStep,
  providerGateStep,
  modelAccessStep,
  routingPoolStep,
  budgetStep,
  piiScanStep,
  contentSafetyStep,
  securityScanStep,
  hitlGateStep,
];
