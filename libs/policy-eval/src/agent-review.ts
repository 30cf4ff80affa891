import type { PolicyDocument } from '@llmgov/policy-schema';
import { block, configOf, rulesFor, type Principal, type Verdict } from '@llmgov/chain';

const DAY = 86_400_000;

/**
 * Step 5: `require_human_review` — refuses (or warns, `on_overdue: warn`) when the agent's
 * last review, or its creation without one, is older than a rule's interval at `now`.
 */
export function agentReviewVerdict(
  doc: PolicyDocument,
  p: Principal,
  lastReviewedAt: string | null,
  now: Date,
): Verdict {
  if (!p.agent_id) return { kind: 'allow' };
  const rules = rulesFor(doc, 'require_human_review', p);
  if (rules.length === 0) return { kind: 'allow' };
  const last = lastReviewedAt ?? p.agent_created_at;
  const lastMs = last ? Date.parse(last) : 0;
  for (const rule of rules) {
    const c = configOf(rule);
    const due = lastMs + c.review_interval_days * DAY;
    if (now.getTime() <= due) continue;
    const message = `agent ${p.agent_id} is overdue for its human review (every ${c.review_interval_days} days; due ${new Date(due).toISOString()})`;
    if (c.on_overdue === 'warn')
      return { kind: 'warn', code: 'human_review_overdue', message, policy_id: rule.id };
    return block('human_review_overdue', 403, message, {
      policy_id: rule.id,
      policy_type: 'require_human_review',
      remediation: `Record a review: POST /governance/agents/${p.agent_id}/reviews`,
    });
  }
  return { kind: 'allow' };
}
