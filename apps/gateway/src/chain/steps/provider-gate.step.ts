import { resolveModel } from '@llmgov/policy-schema';
import type { SyncChainStep, ResolvedModel, Verdict } from '@llmgov/chain';
import { providerRefusal, unknownModel } from '@llmgov/policy-eval';

/** Step 6: resolves the requested model and fallbacks; `block_provider` rules and the provider allowlist. */
export const providerGateStep: SyncChainStep = {
  id: 'provider_gate',
  run(ctx): Verdict {
    const req = ctx.request!;
    const doc = ctx.policy!.document;
    const p = ctx.principal!;
    const names = [req.model, ...(req.fallbacks ?? [])];
    const candidates: ResolvedModel[] = [];
    for (let i = 0; i < names.length; i++) {
      const m = resolveModel(names[i]!);
      if (!m) {
        if (i === 0) return unknownModel(names[i]!);
        continue;
      }
      const refused = providerRefusal(doc, p, m, ctx.now);
      if (refused) {
        if (i === 0) return refused;
        continue; // a blocked fallback leaves the pool
      }
      candidates.push(m);
    }
    ctx.candidates = candidates;
    return { kind: 'allow' };
  },
};
