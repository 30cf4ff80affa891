import type { Span } from '@opentelemetry/api';
import { withSpan } from './tracer';

/** Attribute names of a `governance.step` span (project-specific, not a semantic convention). */
export const GovernanceAttributes = {
  stepId: 'governance.step.id',
  stepNumber: 'governance.step.number',
  verdict: 'governance.step.verdict',
  code: 'governance.step.code',
  policyId: 'governance.policy.id',
  policyVersion: 'governance.policy.version',
} as const;

/** The part of a chain step's verdict the span reads (`@llmgov/chain` Verdict fits). */
export interface StepVerdictLike {
  kind: string;
  code?: string;
  policy_id?: string | null;
}

export interface GovernanceStep {
  id: string;
  /** 1-based position in the chain. */
  number?: number;
  /** Version of the policy document in force (`x-policy-version`), when one is loaded. */
  policyVersion?: number | null;
}

/**
 * Runs one chain step in a `governance.step` span and records its verdict, code and the
 * deciding policy on it. Sync and async steps both work; with tracing off it is a plain call.
 */
export function withGovernanceStep<V extends StepVerdictLike | Promise<StepVerdictLike>>(
  step: GovernanceStep,
  fn: (span: Span) => V,
): V {
  const attributes: Record<string, string | number> = { [GovernanceAttributes.stepId]: step.id };
  if (step.number !== undefined) attributes[GovernanceAttributes.stepNumber] = step.number;
  if (step.policyVersion !== undefined && step.policyVersion !== null)
    attributes[GovernanceAttributes.policyVersion] = step.policyVersion;
  return withSpan('governance.step', attributes, (span) => {
    const result = fn(span);
    if (!span.isRecording()) return result;
    if (result instanceof Promise)
      return result.then((verdict) => (recordVerdict(span, verdict), verdict)) as V;
    recordVerdict(span, result as StepVerdictLike);
    return result;
  });
}

function recordVerdict(span: Span, verdict: StepVerdictLike): void {
  span.setAttribute(GovernanceAttributes.verdict, verdict.kind);
  if (verdict.code !== undefined) span.setAttribute(GovernanceAttributes.code, verdict.code);
  if (verdict.policy_id) span.setAttribute(GovernanceAttributes.policyId, verdict.policy_id);
}
