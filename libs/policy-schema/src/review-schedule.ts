import type { PolicyRule, RuleConfig } from './rules.schema';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The review schedule of `require_human_review` (CONTRACT.md §3): which rule binds an agent,
 * when its next review is due, whether it is overdue. The registry (`GET /governance/agents`)
 * and the approval workflow (review records) both answer from these functions.
 */

/** A `require_human_review` rule as it sits in a policy document. */
export interface ReviewRule {
  id: string;
  scope: 'global' | 'team' | 'agent' | 'key';
  team_id: string | null;
  agent_id: string | null;
  enabled: boolean;
  config: RuleConfig<'require_human_review'>;
}

export interface ReviewedAgent {
  agent_id: string;
  team_id: string | null;
  created_at: string;
}

export interface ReviewRequirement {
  policy_id: string;
  review_interval_days: number;
  on_overdue: 'block' | 'warn';
}

/** The `require_human_review` rules of a document's rules. */
export const reviewRulesOf = (rules: readonly Pick<PolicyRule, 'policy_type'>[]): ReviewRule[] =>
  rules.filter((r) => r.policy_type === 'require_human_review') as unknown as ReviewRule[];

/**
 * The review requirement that binds an agent: of the enabled rules scoped to it (global, its
 * team, or the agent itself), the shortest interval wins; on a tie, `block` beats `warn`.
 * Key-scoped rules bind requests of a key, not an agent's review schedule.
 */
export function requirementFor(
  rules: readonly ReviewRule[],
  agent: Pick<ReviewedAgent, 'agent_id' | 'team_id'>,
): ReviewRequirement | null {
  let best: ReviewRequirement | null = null;
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const applies =
      rule.scope === 'global' ||
      (rule.scope === 'team' && rule.team_id !== null && rule.team_id === agent.team_id) ||
      (rule.scope === 'agent' && rule.agent_id === agent.agent_id);
    if (!applies) continue;
    const candidate: ReviewRequirement = {
      policy_id: rule.id,
      review_interval_days: rule.config.review_interval_days,
      on_overdue: rule.config.on_overdue ?? 'block',
    };
    if (
      !best ||
      candidate.review_interval_days < best.review_interval_days ||
      (candidate.review_interval_days === best.review_interval_days &&
        candidate.on_overdue === 'block')
    ) {
      best = candidate;
    }
  }
  return best;
}

/** When the next review is due after one at `reviewedAt` (null when no rule asks for reviews). */
export function nextReviewDue(
  reviewedAt: string,
  requirement: ReviewRequirement | null,
): string | null {
  return requirement
    ? new Date(Date.parse(reviewedAt) + requirement.review_interval_days * DAY_MS).toISOString()
    : null;
}

export interface ReviewStatus<L> {
  agent_id: string;
  review_required: boolean;
  policy_id: string | null;
  review_interval_days: number | null;
  on_overdue: 'block' | 'warn' | null;
  last_review: L | null;
  next_review_due: string | null;
  overdue: boolean;
}

/**
 * An agent's review status at `now`. An agent never reviewed is due one interval after it
 * was created; it is overdue from that instant on.
 */
export function reviewStatus<L extends { reviewed_at: string }>(
  agent: ReviewedAgent,
  requirement: ReviewRequirement | null,
  last: L | null,
  now: Date,
): ReviewStatus<L> {
  const due = requirement
    ? nextReviewDue(last?.reviewed_at ?? agent.created_at, requirement)
    : null;
  return {
    agent_id: agent.agent_id,
    review_required: requirement !== null,
    policy_id: requirement?.policy_id ?? null,
    review_interval_days: requirement?.review_interval_days ?? null,
    on_overdue: requirement?.on_overdue ?? null,
    last_review: last,
    next_review_due: due,
    overdue: due !== null && now.getTime() >= Date.parse(due),
  };
}
