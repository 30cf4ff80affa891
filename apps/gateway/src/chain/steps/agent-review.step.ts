import type { SyncChainStep, Verdict } from '@llmgov/chain';
import { agentReviewVerdict } from '@llmgov/policy-eval';

/** Step 5: `require_human_review` — the agent's last review (or its creation) is older than the interval. */
export const agentReviewStep: SyncChainStep = {
  id: 'agent_review',
  run(ctx): Verdict {
    const p = ctx.principal!;
    // Only an agent has reviews (the lookup is skipped for plain keys).
    const last = p.agent_id ? (ctx.views.reviews.lastReviewedAt(p.agent_id) ?? null) : null;
    return agentReviewVerdict(ctx.policy!.document, p, last, ctx.now);
  },
};
