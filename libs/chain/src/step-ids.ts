/** The 13 steps of the governance chain, in the order every request runs them (CONTRACT.md §2). */
export const STEP_IDS = [
  'authenticate',
  'request_limits',
  'risk_classification',
  'rate_limit',
  'agent_review',
  'provider_gate',
  'model_access',
  'routing_pool',
  'budget',
  'pii_scan',
  'content_safety',
  'security_scan',
  'hitl_gate',
] as const;
export type StepId = (typeof STEP_IDS)[number];

/** 1-based position of a step in the chain. */
export const stepNumber = (id: StepId): number => STEP_IDS.indexOf(id) + 1;
