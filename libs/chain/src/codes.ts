/** Every refusal code of CONTRACT.md §2, plus the gateway's own input and upstream codes. */
export const ERROR_CODES = [
  'model_allowlist',
  'block_provider',
  'budget_limit',
  'per_request_limit',
  'daily_budget',
  'runner_session_budget',
  'rate_limit',
  'plan_quota',
  'body_too_large',
  'reasoning_token_cap',
  'pii_detected',
  'content_safety',
  'prompt_injection',
  'data_exfiltration',
  'human_review_overdue',
  'risk_prohibited',
  'policy_required_fields_missing',
  'policy_safety_filter_empty',
  'max_chain_length',
  'paid_model_on_free_tier',
  'approval_required',
  'approval_denied',
  /** A retry naming an approval no reviewer has decided yet (409, as the approval service answers). */
  'approval_pending',
  'no_active_policy',
  // authentication and request shape
  'invalid_api_key',
  'missing_api_key',
  'invalid_request',
  'invalid_json',
  'unknown_model',
  // after the chain
  'provider_unavailable',
  'upstream_error',
  'upstream_timeout',
  /** A remote guardrail with `on_error: fail_closed` did not answer (503, retryable). */
  'guardrail_unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status of a refusal by code (CONTRACT.md "Refusals"): 429, 413, 400, 401, else 403. */
export function statusOfCode(code: ErrorCode): number {
  switch (code) {
    case 'rate_limit':
    case 'plan_quota':
      return 429;
    case 'body_too_large':
      return 413;
    case 'invalid_request':
    case 'invalid_json':
    case 'unknown_model':
      return 400;
    case 'invalid_api_key':
    case 'missing_api_key':
      return 401;
    case 'approval_required':
      return 202;
    case 'approval_pending':
      return 409;
    case 'provider_unavailable':
    case 'guardrail_unavailable':
      return 503;
    case 'upstream_error':
      return 502;
    case 'upstream_timeout':
      return 504;
    default:
      return 403;
  }
}

/** OpenAI `error.type` for a code: clients branch on it. */
export function errorTypeOfCode(code: ErrorCode): string {
  const status = statusOfCode(code);
  if (status === 401) return 'authentication_error';
  if (status === 400 || status === 413) return 'invalid_request_error';
  if (code === 'rate_limit' || code === 'plan_quota') return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'policy_violation';
}
