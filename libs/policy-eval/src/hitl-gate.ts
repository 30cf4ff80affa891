import {
  microToUsd,
  configOf,
  rulesFor,
  toMicro,
  type Principal,
  type Verdict,
} from '@llmgov/chain';
import type { PolicyDocument } from '@llmgov/policy-schema';

/** A request held for a human (202). */
export type ApprovalNeeded = Extract<Verdict, { kind: 'needs_approval' }>;

/** What step 13 decides from: the estimated cost, the routed model, content sent to review. */
export interface ApprovalFacts {
  cost_micro_usd: number;
  /** The first model of the routing pool, null when there is none. */
  model_id: string | null;
  /** Content categories the content gate sent to review (empty when no text was scanned). */
  review_categories: readonly string[];
}

/**
 * Step 13: the first `require_approval` rule whose environment, minimum cost and models all
 * match, else the cost gate (`hitl_cost_threshold_usd`), else the content gate; null when
 * nothing asks for approval.
 */
export function approvalTrigger(
  doc: PolicyDocument,
  p: Principal,
  facts: ApprovalFacts,
): ApprovalNeeded | null {
  const cost = facts.cost_micro_usd;
  for (const r of rulesFor(doc, 'require_approval', p)) {
    const c = configOf(r);
    if (c.environment !== undefined && c.environment !== p.environment) continue;
    if (c.min_cost_usd !== undefined && cost < toMicro(c.min_cost_usd)) continue;
    if (c.models !== undefined && (facts.model_id === null || !c.models.includes(facts.model_id)))
      continue;
    return {
      kind: 'needs_approval',
      trigger: 'require_approval',
      policy_id: r.id,
      detail: `policy '${r.name}' requires approval`,
    };
  }
  const threshold = doc.settings.hitl_cost_threshold_usd;
  if (threshold !== null && cost > toMicro(threshold)) {
    return {
      kind: 'needs_approval',
      trigger: 'cost_gate',
      policy_id: null,
      detail: `estimated cost $${microToUsd(cost)} exceeds the approval threshold of $${threshold}`,
    };
  }
  if (facts.review_categories.length > 0) {
    return {
      kind: 'needs_approval',
      trigger: 'content_gate',
      policy_id: null,
      detail: `content category ${facts.review_categories.join(', ')} needs review`,
    };
  }
  return null;
}
