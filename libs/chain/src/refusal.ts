import type { ActivePolicy } from '@llmgov/policy-schema';
import { errorTypeOfCode } from './codes';
import type { StepId } from './step-ids';
import type { Block } from './verdict';

export interface PolicyAttribution {
  policy_id: string;
  policy_version: number;
  signed_by: string[];
  signature: string;
  effective_date: string;
}

/** The OpenAI-shaped refusal body of CONTRACT.md, with the three seeds' fields. */
export interface RefusalBody {
  error: {
    message: string;
    type: string;
    code: string;
    param: string | null;
    step: StepId | null;
    remediation: string | null;
  };
  policy_id: string | null;
  status: number;
  request_id: string;
  policy_attribution: PolicyAttribution | null;
}

export function attributionOf(policy: ActivePolicy | null): PolicyAttribution | null {
  if (!policy) return null;
  return {
    policy_id: policy.policy_id,
    policy_version: policy.policy_version,
    signed_by: policy.signed_by,
    signature: policy.digest,
    effective_date: policy.effective_date,
  };
}

/** `Policy violation: <policy_type> — <message>` for policy refusals; the plain message otherwise. */
export function refusalBody(
  b: Block,
  step: StepId | null,
  requestId: string,
  policy: ActivePolicy | null,
): RefusalBody {
  const type = errorTypeOfCode(b.code);
  const message =
    b.policy_type && type !== 'invalid_request_error' && type !== 'authentication_error'
      ? `Policy violation: ${b.policy_type} — ${b.message}`
      : b.message;
  return {
    error: { message, type, code: b.code, param: b.param, step, remediation: b.remediation },
    policy_id: b.policy_id ?? policy?.policy_id ?? null,
    status: b.status,
    request_id: requestId,
    policy_attribution: attributionOf(policy),
  };
}
