import { randomUUID } from 'node:crypto';
import { block, type ApprovalTrigger, type ChainContext, type ChainResult } from '@llmgov/chain';
import { secretOf } from '../chain/secret';
import type { ChatCompletion } from '../providers/provider';
import type { Admission } from './admission';
import { consumeApproval, fingerprintOf, storeHeldAnswer } from './approvals';
import { completionAnswer } from './completion-answer';
import { openAnswer, sealAnswer } from './confidence';
import { governanceHeaders } from './governance-headers';
import { json, type HttpOut } from './http';
import { refuse } from './refuse';
import type { Completion } from './request-events';
import { completionOf, type RequestMetric, type Settler } from './settle';

/** What held requests need from the gateway. */
export interface HeldDeps {
  /** Where `POST /approvals/:id/consume` lives (embedded: this process). */
  approvalServiceUrl: string | null;
  /** Seals answers the confidence gate holds (forward/confidence.ts). */
  heldAnswerKey: Buffer;
}

const HELD: RequestMetric = { outcome: 'held', step: 'hitl_gate', code: 'approval_required' };

/**
 * Requests that wait on a reviewer: held by the chain before the upstream call, answers held
 * by the confidence gate, and the approved retries of both (`x-approval-id`).
 */
export class HeldRequests {
  constructor(
    private readonly deps: HeldDeps,
    private readonly settler: Settler,
  ) {}

  /** The chain asks for approval: the reservation is released, the approval requested, 202. */
  hold(
    ctx: ChainContext,
    result: ChainResult,
    trigger: ApprovalTrigger,
    policyId: string | null,
    detail: string,
  ): HttpOut {
    const { approvalId, expires } = newApproval(ctx);
    this.settler.settle(ctx, result, {
      reservation: 'release',
      completion: completionOf(ctx, result, 'pending_approval', 202),
      approval: {
        id: approvalId,
        expires,
        trigger: { kind: trigger, policy_id: policyId, detail },
      },
      metric: HELD,
    });
    const cost = ctx.estimate?.cost_micro_usd ?? 0;
    return pending(ctx, result.governance_ms, cost, approvalId, expires, detail);
  }

  /**
   * The confidence gate held this answer: sealed and stored at the approval service (before
   * the approval is announced), then 202. The upstream call is billed now; the approved retry
   * returns the stored answer at no further cost (`consume`).
   */
  async holdAnswer(
    a: Admission,
    body: ChatCompletion,
    done: Completion,
    held: { confidence: number | null; detail: string },
    signal: AbortSignal,
  ): Promise<HttpOut> {
    const { ctx, result, admittedId } = a;
    const { approvalId, expires } = newApproval(ctx);
    const sealed = sealAnswer(this.deps.heldAnswerKey, approvalId, JSON.stringify(body));
    const base = this.deps.approvalServiceUrl;
    const stored =
      base !== null &&
      (await storeHeldAnswer(
        { baseUrl: base, approvalId, secret: secretOf(ctx)!, signal },
        sealed,
        expires,
      ));
    if (!stored) {
      this.settler.settle(ctx, result, {
        reservation: 'commit',
        completion: { ...done, outcome: 'upstream_error', http_status: 503 },
        metric: { outcome: 'upstream_error', step: 'hitl_gate', code: 'approval_unavailable' },
        admittedId,
      });
      const headers = governanceHeaders(ctx, result.governance_ms, done.cost_micro_usd);
      const message = 'The answer is held for review, but the approval service could not store it.';
      return json(503, headers, {
        error: {
          message,
          type: 'approval_unavailable',
          code: 'approval_unavailable',
          param: null,
          step: 'hitl_gate',
          remediation: 'Retry the request later.',
        },
        status: 503,
        request_id: ctx.request_id,
      });
    }
    const { confidence, detail } = held;
    this.settler.settle(ctx, result, {
      reservation: 'commit',
      completion: { ...done, outcome: 'pending_approval', http_status: 202 },
      approval: {
        id: approvalId,
        expires,
        trigger: {
          kind: 'confidence_gate',
          policy_id: null,
          detail,
          ...(confidence !== null ? { confidence } : {}),
        },
      },
      metric: HELD,
      admittedId,
    });
    const cost = done.cost_micro_usd;
    return pending(ctx, result.governance_ms, cost, approvalId, expires, detail, { confidence });
  }

  /**
   * A retry carrying an approval id consumes the approval (for this request's fingerprint).
   * Pending or denied: a refusal. Granted for an answer the confidence gate held: that answer.
   * Granted otherwise: null, and the request goes on to the upstream.
   */
  async consume(
    ctx: ChainContext,
    result: ChainResult,
    signal: AbortSignal,
  ): Promise<HttpOut | null> {
    const approvalId = ctx.consume_approval_id;
    if (!approvalId) return null;
    const base = this.deps.approvalServiceUrl;
    const consumed = base
      ? await consumeApproval(
          { baseUrl: base, approvalId, secret: secretOf(ctx)!, signal },
          fingerprintOf(ctx.request!),
          ctx.request_id,
        )
      : {
          ok: false as const,
          code: 'approval_denied',
          message: 'no approval service is configured',
        };
    if (consumed.ok)
      return consumed.held_answer === null
        ? null
        : this.releaseHeld(ctx, result, approvalId, consumed.held_answer);
    if (consumed.code === 'approval_pending') {
      const poll = `/approvals/${approvalId}`;
      const remediation = `Poll ${poll} and send the request again once it is approved.`;
      const what = `approval ${approvalId} is still pending review`;
      const pendingBlock = block('approval_pending', 409, what, {
        policy_type: 'require_approval',
        remediation,
      });
      return refuse(this.settler, ctx, result, 'hitl_gate', pendingBlock);
    }
    const what = `approval ${approvalId} was not granted for this request: ${consumed.message}`;
    const denied = block('approval_denied', 403, what, {
      policy_type: 'require_approval',
      remediation: 'Send the request again without x-approval-id to ask for a new approval.',
    });
    return refuse(this.settler, ctx, result, 'hitl_gate', denied);
  }

  /**
   * An approved retry of an answer the confidence gate held: the stored answer, once, without
   * a second upstream call (it was billed when held; this request costs nothing).
   */
  private releaseHeld(
    ctx: ChainContext,
    result: ChainResult,
    approvalId: string,
    sealed: string,
  ): HttpOut {
    const answer = openAnswer(this.deps.heldAnswerKey, approvalId, sealed);
    if (answer === null) {
      const what = `the answer held under approval ${approvalId} cannot be read by this gateway`;
      const unreadable = block('approval_denied', 403, what, {
        policy_type: 'require_approval',
        remediation:
          'Every gateway replica needs the same HELD_ANSWER_KEY; ' +
          'send the request again without x-approval-id.',
      });
      return refuse(this.settler, ctx, result, 'hitl_gate', unreadable);
    }
    const body = JSON.parse(answer) as ChatCompletion;
    const model = ctx.pool[0];
    this.settler.settle(ctx, result, {
      reservation: 'release',
      completion: completionOf(ctx, result, 'forwarded', 200, {
        model: model?.id ?? body.model,
        provider: model?.provider ?? null,
      }),
    });
    const headers = governanceHeaders(ctx, result.governance_ms, 0);
    return completionAnswer(body, headers, ctx.request!.stream === true);
  }
}

/** A new approval's id and expiry (the org's `hitl_timeout_hours` from now). */
function newApproval(ctx: ChainContext): { approvalId: string; expires: Date } {
  const approvalId = `apr_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const hours = ctx.policy!.document.settings.hitl_timeout_hours;
  return { approvalId, expires: new Date(ctx.now.getTime() + hours * 3_600_000) };
}

/** The 202 a held request or answer gets (CONTRACT.md §2). */
function pending(
  ctx: ChainContext,
  governanceMs: number,
  costMicroUsd: number,
  approvalId: string,
  expires: Date,
  detail: string,
  extra: Record<string, unknown> = {},
): HttpOut {
  const headers = {
    ...governanceHeaders(ctx, governanceMs, costMicroUsd),
    'x-approval-id': approvalId,
  };
  return json(202, headers, {
    approval_id: approvalId,
    status: 'pending',
    expires_at: expires.toISOString(),
    poll_url: `/approvals/${approvalId}`,
    request_id: ctx.request_id,
    reason: detail,
    ...extra,
  });
}
