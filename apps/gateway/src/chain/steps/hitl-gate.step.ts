import {
  configOf,
  microToUsd,
  rulesFor,
  toMicro,
  type SyncChainStep,
  type Verdict,
} from '@llmgov/chain';

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
    const p = ctx.principal!;
    const cost = ctx.estimate?.cost_micro_usd ?? 0;
    const model = ctx.pool[0];
    let trigger: Extract<Verdict, { kind: 'needs_approval' }> | null = null;
    for (const r of rulesFor(doc, 'require_approval', p)) {
      const c = configOf(r);
      if (c.environment !== undefined && c.environment !== p.environment) continue;
      if (c.min_cost_usd !== undefined && cost < toMicro(c.min_cost_usd)) continue;
      if (c.models !== undefined && (!model || !c.models.includes(model.id))) continue;
      trigger = {
        kind: 'needs_approval',
        trigger: 'require_approval',
        policy_id: r.id,
        detail: `policy '${r.name}' requires approval`,
      };
      break;
    }
    const threshold = doc.settings.hitl_cost_threshold_usd;
    if (!trigger && threshold !== null && cost > toMicro(threshold)) {
      trigger = {
        kind: 'needs_approval',
        trigger: 'cost_gate',
        policy_id: null,
        detail: `estimated cost $${microToUsd(cost)} exceeds the approval threshold of $${threshold}`,
      };
    }
    if (!trigger && ctx.review_categories.length > 0) {
      trigger = {
        kind: 'needs_approval',
        trigger: 'content_gate',
        policy_id: null,
        detail: `content category ${ctx.review_categories.join(', ')} needs review`,
      };
    }
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
