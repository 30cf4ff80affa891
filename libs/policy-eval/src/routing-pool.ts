import type { PolicyDocument } from '@llmgov/policy-schema';
import {
  block,
  configOf,
  rulesFor,
  type Block,
  type Principal,
  type ResolvedModel,
  type Verdict,
} from '@llmgov/chain';

/** The routing pool step 8 keeps, or null when the chain-length cap refused before any filter. */
export interface RoutingDecision {
  pool: ResolvedModel[] | null;
  verdict: Verdict;
}

function chainLengthRefusal(doc: PolicyDocument, p: Principal, requested: number): Block | null {
  let cap = doc.deployer.max_chain_length;
  let capRule: string | null = null;
  for (const r of rulesFor(doc, 'max_chain_length', p)) {
    const c = configOf(r).max_chain_length;
    if (cap === null || c < cap) {
      cap = c;
      capRule = r.id;
    }
  }
  if (cap === null || requested <= cap) return null;
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

/**
 * Step 8: the fallback chain-length cap on the `requested` models (primary + fallbacks), then
 * the `minimum_safety_score` floor over the `candidates` still allowed, fail closed (unrated
 * models leave the pool; an empty pool refuses).
 */
export function routingPoolDecision(
  doc: PolicyDocument,
  p: Principal,
  candidates: ResolvedModel[],
  requested: number,
): RoutingDecision {
  const capped = chainLengthRefusal(doc, p, requested);
  if (capped) return { pool: null, verdict: capped };
  let floor = doc.deployer.minimum_safety_score;
  let floorRule: string | null = null;
  for (const r of rulesFor(doc, 'minimum_safety_score', p)) {
    const f = configOf(r).minimum_safety_score;
    if (floor === null || f > floor) {
      floor = f;
      floorRule = r.id;
    }
  }
  if (floor === null) return { pool: candidates, verdict: { kind: 'allow' } };
  const min = floor;
  const pool = candidates.filter(
    (m) => m.entry?.safety_score !== undefined && m.entry.safety_score >= min,
  );
  if (pool.length > 0) return { pool, verdict: { kind: 'allow', policy_id: floorRule } };
  return {
    pool,
    verdict: block(
      'policy_safety_filter_empty',
      403,
      `no model in the routing pool has a declared safety score of at least ${min}`,
      {
        policy_id: floorRule,
        policy_type: 'minimum_safety_score',
        remediation: 'Use a model with a declared safety score at or above the floor.',
      },
    ),
  };
}
