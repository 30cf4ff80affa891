import type { SyncChainStep, Verdict } from '@llmgov/chain';
import { approvalTrigger } from '@llmgov/policy-eval';

/**
 * Step 13: `require_approval` rules (environment, min cost, models), the cost gate
 * (`hitl_cost_threshold_usd`) and the content gate (`content_review` categories) → 202.
 * A retry naming `x-approval-id` passes; the adapter consumes the approval before forwarding.
 * The confidence gate (`hitl_confidence_threshold`) judges the answer, after this step: with
 * it on, a retry naming an approval consumes it too (it may release a held answer).
 */
export const hitlGateStep: SyncChainStep = {
  id: 'hitl_gate',
  run(ctx): Verdict {
    const doc = ctx.policy!.document;
    const trigger = approvalTrigger(doc, ctx.principal!, {
      cost_micro_usd: ctx.estimate?.cost_micro_usd ?? 0,
      model_id: ctx.pool[0]?.id ?? null,
      review_categories: ctx.review_categories,
    });
    const approvalId = ctx.meta!.approval_id;
    if (!trigger) {
      // The retry of an answer the confidence gate held: the stored answer is released by
      // consuming the approval (forward/confidence.ts), not by calling the upstream again.
      const confidenceGate = (doc.settings.hitl_confidence_threshold ?? null) !== null;
      if (!approvalId || !confidenceGate) return { kind: 'allow' };
      ctx.consume_approval_id = approvalId;
      return { kind: 'allow', policy_id: null, note: `approval ${approvalId} to consume` };
    }
    if (approvalId) {
      ctx.consume_approval_id = approvalId;
      return {
        kind: 'allow',
        policy_id: trigger.policy_id,
        note: `approval ${approvalId} to consume`,
      };
    }
    return trigger;
  },
};
