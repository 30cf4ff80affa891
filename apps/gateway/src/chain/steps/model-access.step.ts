import type { SyncChainStep, ResolvedModel, Verdict } from '@llmgov/chain';
import { modelRefusal } from '@llmgov/policy-eval';

/** Step 7: `model_allowlist` rules, the settings allowlist (all / tier / explicit), eligible models, free vs paid tier. */
export const modelAccessStep: SyncChainStep = {
  id: 'model_access',
  run(ctx): Verdict {
    const doc = ctx.policy!.document;
    const p = ctx.principal!;
    const kept: ResolvedModel[] = [];
    for (let i = 0; i < ctx.candidates.length; i++) {
      const m = ctx.candidates[i]!;
      const refused = modelRefusal(doc, p, m, ctx.now);
      if (refused && i === 0) return refused;
      if (!refused) kept.push(m);
    }
    ctx.candidates = kept;
    return { kind: 'allow' };
  },
};
