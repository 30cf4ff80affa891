import type { ErrorCode } from './codes';
import type { ChatRequest } from './request';

/** What a refusal says (CONTRACT.md "Refusals"). */
export interface Block {
  kind: 'block';
  status: number;
  code: ErrorCode;
  /** Without the `Policy violation: <type> — ` prefix; the formatter adds it for typed policies. */
  message: string;
  remediation: string | null;
  /** `pol_…` of the typed rule that decided, else null (settings and deployer decide as the document). */
  policy_id: string | null;
  /** The typed policy type or settings field that decided (prefix of the message). */
  policy_type: string | null;
  param: string | null;
  retry_after_s?: number;
}

export type ApprovalTrigger = 'require_approval' | 'cost_gate' | 'content_gate' | 'confidence_gate';

/** A step's outcome: allow, warn (logged, allowed), redact (a changed request), block, or needs approval (202). */
export type Verdict =
  | { kind: 'allow'; policy_id?: string | null; note?: string }
  | { kind: 'warn'; code: ErrorCode; message: string; policy_id: string | null }
  | {
      kind: 'redact';
      request: ChatRequest;
      code: ErrorCode;
      message: string;
      policy_id: string | null;
    }
  | Block
  | { kind: 'needs_approval'; trigger: ApprovalTrigger; policy_id: string | null; detail: string };

export const ALLOW: Verdict = Object.freeze({ kind: 'allow' }) as Verdict;

export function block(
  code: ErrorCode,
  status: number,
  message: string,
  opts: {
    remediation?: string | null;
    policy_id?: string | null;
    policy_type?: string | null;
    param?: string | null;
    retry_after_s?: number;
  } = {},
): Block {
  return {
    kind: 'block',
    status,
    code,
    message,
    remediation: opts.remediation ?? null,
    policy_id: opts.policy_id ?? null,
    policy_type: opts.policy_type ?? null,
    param: opts.param ?? null,
    ...(opts.retry_after_s !== undefined ? { retry_after_s: opts.retry_after_s } : {}),
  };
}
