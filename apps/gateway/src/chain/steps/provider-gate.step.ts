import { resolveModel } from '@llmgov/policy-schema';
import {
  block,
  configOf,
  exceptionFor,
  rulesFor,
  type Block,
  type ChainContext,
  type SyncChainStep,
  type ResolvedModel,
  type Verdict,
} from '@llmgov/chain';

function refusal(ctx: ChainContext, m: ResolvedModel): Block | null {
  const doc = ctx.policy!.document;
  const p = ctx.principal!;
  if (exceptionFor(doc, 'provider', m.provider, p, ctx.now)) return null;
  for (const rule of rulesFor(doc, 'block_provider', p)) {
    if (configOf(rule).provider === m.provider) {
      return block('block_provider', 403, `provider '${m.provider}' is blocked`, {
        policy_id: rule.id,
        policy_type: 'block_provider',
        remediation: 'Use a model of another provider.',
      });
    }
  }
  const allowed = doc.deployer.allowed_providers;
  if (allowed !== null && !allowed.includes(m.provider)) {
    return block(
      'block_provider',
      403,
      `provider '${m.provider}' is not in the allowed providers`,
      {
        policy_type: 'allowed_providers',
        remediation: `Use a model of: ${allowed.join(', ')}`,
      },
    );
  }
  return null;
}

/** Step 6: resolves the requested model and fallbacks; `block_provider` rules and the provider allowlist. */
export const providerGateStep: SyncChainStep = {
  id: 'provider_gate',
  run(ctx): Verdict {
    const req = ctx.request!;
    const names = [req.model, ...(req.fallbacks ?? [])];
    const candidates: ResolvedModel[] = [];
    for (let i = 0; i < names.length; i++) {
      const m = resolveModel(names[i]!);
      if (!m) {
        if (i === 0)
          return block(
            'unknown_model',
            400,
            `Unknown model '${names[i]}': use a catalogue name (gpt-4o) or provider/model.`,
            { param: 'model' },
          );
        continue;
      }
      const refused = refusal(ctx, m);
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
