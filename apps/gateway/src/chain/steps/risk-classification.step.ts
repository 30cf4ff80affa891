import type { SyncChainStep, Verdict } from '@llmgov/chain';
import { riskDecision } from '@llmgov/policy-eval';

/** Step 3: purpose → risk tier; prohibited, high-risk without consent, undeclared purposes and missing required fields are refused. */
export const riskClassificationStep: SyncChainStep = {
  id: 'risk_classification',
  run(ctx): Verdict {
    const { risk_tier, verdict } = riskDecision(ctx.policy!.document, ctx.principal!, ctx.meta!);
    ctx.risk_tier = risk_tier;
    return verdict;
  },
};
