import { block, configOf, rulesFor, type SyncChainStep, type Verdict } from '@llmgov/chain';

/** Step 8: fallback chain length cap; `minimum_safety_score` filter, fail closed (unrated models leave the pool). */
export const routingPoolStep: SyncChainStep = {
  id: 'routing_pool',
  run(ctx): Verdict {
    const doc = ctx.policy!.document;
    const p = ctx.principal!;
    const requested = 1 + (ctx.request!.fallbacks?.length ?? 0);
    let cap = doc.deployer.max_chain_length;
    let capRule: string | null = null;
    for (const r of rulesFor(doc, 'max_chain_length', p)) {
      const c = configOf(r).max_chain_length;
      if (cap === null || c < cap) {
        cap = c;
        capRule = r.id;
      }
    }
    if (cap !== null && requested > cap) {
      return block(
        'max_chain_length',
        403,
        `a routing chain of ${requested} models exceeds the maximum chain length of ${cap}`,
        {
          policy_id: capRule,
          policy_type: 'max_chain_length',
          param: 'fallbacks',
          remediation: `Send at most ${cap - 1} fallback model(s).`,
        },
      );
    }
    let floor = doc.deployer.minimum_safety_score;
    let floorRule: string | null = null;
    for (const r of rulesFor(doc, 'minimum_safety_score', p)) {
      const f = configOf(r).minimum_safety_score;
      if (floor === null || f > floor) {
        floor = f;
        floorRule = r.id;
      }
    }
    if (floor === null) {
      ctx.pool = ctx.candidates;
      return { kind: 'allow' };
    }
    const min = floor;
    ctx.pool = ctx.candidates.filter(
      (m) => m.entry?.safety_score !== undefined && m.entry.safety_score >= min,
    );
    if (ctx.pool.length === 0) {
      return block(
        'policy_safety_filter_empty',
        403,
        `no model in the routing pool has a declared safety score of at least ${min}`,
        {
          policy_id: floorRule,
          policy_type: 'minimum_safety_score',
          remediation: 'Use a model with a declared safety score at or above the floor.',
        },
      );
    }
    return { kind: 'allow', policy_id: floorRule };
  },
};
