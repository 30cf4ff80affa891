import { budgetLimitsFor } from '@llmgov/budget';
import type { Block, Principal, StepId } from '@llmgov/chain';
import {
  approvalTrigger,
  firstExceeded,
  modelRefusal,
  perRequestRefusal,
  providerRefusal,
  routingPoolDecision,
  unknownModel,
} from '@llmgov/policy-eval';
import { resolveModel, type Plan, type PolicyDocument } from '@llmgov/policy-schema';

/**
 * Shadow evaluation (CONTRACT.md §6): re-decides recorded requests under two versions of a
 * policy document and reports what would change. The inputs are what `request.completed`
 * carries (principal ids, environment, model, provider, cost, usage), never prompt text, so
 * only the steps that decide from those fields are re-run; the others are listed in
 * NOT_SIMULATED and both versions are judged by the same re-decision, so a difference comes
 * from the policy change alone. The decisions are the gateway's own (`@llmgov/policy-eval`);
 * apps/policy-registry/test/shared-verdict.spec.ts checks both give the same verdicts.
 */

/** One recorded request, as kept from `request.completed`. */
export interface DecisionInput {
  request_id: string;
  org_id: string;
  team_id: string | null;
  key_id: string;
  agent_id: string | null;
  session_id: string | null;
  /** The end user (OpenAI `user`): its per-user budget (`user_budgets`). Absent in older inputs. */
  end_user?: string | null;
  environment: string | null;
  model: string;
  provider: string | null;
  /** Actual cost (micro-USD): what the request added to its budgets. */
  cost_micro_usd: number;
  /** The maximum cost the gateway estimated and reserved (0 when refused before the budget step). */
  reserved_micro_usd: number;
  completed_at: string;
  /** As recorded, for the reader of the inputs; the re-decision does not read them. */
  tags?: string[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  outcome?: string;
  policy_version?: number | null;
  decision?: { step: string; verdict: string; code: string | null; policy_id: string | null }[];
}

export type SimVerdict = 'allow' | 'block' | 'needs_approval';
export interface SimOutcome {
  verdict: SimVerdict;
  code: string | null;
  step: string | null;
}

export const NOT_SIMULATED = [
  { step: 'pii_scan', reason: 'needs the prompt text, which events never carry' },
  { step: 'content_safety', reason: 'needs the prompt text, which events never carry' },
  {
    step: 'security_scan',
    reason: 'needs the prompt text (prompt injection, exfiltration), which events never carry',
  },
  { step: 'risk_classification', reason: 'the request purpose and consent are not recorded' },
  {
    step: 'rate_limit',
    reason: 'depends on request timing across replicas, not on recorded fields',
  },
  {
    step: 'agent_review',
    reason: 'depends on when reviews were recorded, not on the policy version alone',
  },
  { step: 'request_limits', reason: 'body size and reasoning effort are not recorded' },
] as const;

const ALLOW: SimOutcome = { verdict: 'allow', code: null, step: null };
const refused = (step: StepId, b: Block): SimOutcome => ({ verdict: 'block', code: b.code, step });

/** Running spend per budget counter over the simulated window (starts at zero). */
export type SpendCounters = Map<string, number>;

/**
 * Re-decides one request under `doc` with the gateway's own decisions (`@llmgov/policy-eval`),
 * adding its cost to `spend` when it would be allowed. `plan` is the org's plan, which the
 * gateway's principal carries (the document's plan when the caller does not know it).
 */
export function redecide(
  doc: PolicyDocument,
  input: DecisionInput,
  spend: SpendCounters,
  plan: Plan = doc.plan,
): SimOutcome {
  const at = new Date(input.completed_at);
  const p: Principal = {
    org_id: input.org_id,
    plan,
    key_id: input.key_id,
    team_id: input.team_id,
    agent_id: input.agent_id,
    environment: input.environment,
    agent_created_at: null,
  };
  // 6 provider_gate
  const m = resolveModel(input.model);
  if (!m) return refused('provider_gate', unknownModel(input.model));
  const provider = providerRefusal(doc, p, m, at);
  if (provider) return refused('provider_gate', provider);
  // 7 model_access
  const model = modelRefusal(doc, p, m, at);
  if (model) return refused('model_access', model);
  // 8 routing_pool: the requested model alone (fallbacks are not recorded)
  const routing = routingPoolDecision(doc, p, [m], 1);
  if (routing.verdict.kind === 'block') return refused('routing_pool', routing.verdict);
  // 9 budget: the recorded estimate against the per-request limit and what is left of each budget
  const estimate = Math.max(input.reserved_micro_usd, input.cost_micro_usd);
  const perRequest = perRequestRefusal(doc.settings, estimate);
  if (perRequest) return refused('budget', perRequest);
  const limits = budgetLimitsFor(
    doc,
    {
      org_id: input.org_id,
      team_id: input.team_id,
      key_id: input.key_id,
      agent_id: input.agent_id,
      session_id: input.session_id,
      end_user: input.end_user ?? null,
    },
    at,
  );
  const counter = (l: (typeof limits)[number]) =>
    `${l.scope}|${l.scope_id}|${l.period}|${l.period_start}|${l.policy_id ?? ''}|${l.limit_micro_usd}`;
  const over = firstExceeded(limits, (l) => spend.get(counter(l)) ?? 0, estimate);
  if (over) return { verdict: 'block', code: over.code, step: 'budget' };
  // 13 hitl_gate: require_approval rules and the cost gate (the content gate needs the text)
  const trigger = approvalTrigger(doc, p, {
    cost_micro_usd: estimate,
    model_id: routing.pool?.[0]?.id ?? null,
    review_categories: [],
  });
  const outcome: SimOutcome = trigger
    ? { verdict: 'needs_approval', code: 'approval_required', step: 'hitl_gate' }
    : ALLOW;
  // An allowed request spends its actual cost; one held for approval would spend it once approved.
  for (const l of limits)
    spend.set(counter(l), (spend.get(counter(l)) ?? 0) + input.cost_micro_usd);
  return outcome;
}

export interface SimulationReport {
  evaluated: number;
  changed: number;
  would_block: { code: string; count: number }[];
  would_allow: { code: string; count: number }[];
  would_require_approval: number;
  examples: { request_id: string; before: SimVerdict; after: SimVerdict; code: string | null }[];
  not_simulated: typeof NOT_SIMULATED;
}

const MAX_EXAMPLES = 20;
const counts = (m: Map<string, number>) =>
  [...m]
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));

/**
 * Runs `inputs` (oldest first) under `before` (the active version) and `after` (the version
 * under review). `would_block`: requests `before` lets through (or holds) that `after` refuses,
 * by `after`'s code; `would_allow`: requests `before` refuses that `after` does not, by
 * `before`'s code. Budgets count from zero at the start of the window. `plan` is the org's
 * plan (free-tier checks), as the gateway reads it from the org; each document's plan without it.
 */
export function simulate(
  before: PolicyDocument,
  after: PolicyDocument,
  inputs: readonly DecisionInput[],
  plan?: Plan,
): SimulationReport {
  const spendBefore: SpendCounters = new Map();
  const spendAfter: SpendCounters = new Map();
  const blocked = new Map<string, number>();
  const allowed = new Map<string, number>();
  const examples: SimulationReport['examples'] = [];
  let changed = 0;
  let approvals = 0;
  for (const input of inputs) {
    const b = redecide(before, input, spendBefore, plan ?? before.plan);
    const a = redecide(after, input, spendAfter, plan ?? after.plan);
    if (b.verdict === a.verdict && b.code === a.code) continue;
    changed++;
    if (a.verdict === 'block' && a.code) blocked.set(a.code, (blocked.get(a.code) ?? 0) + 1);
    else if (b.verdict === 'block' && b.code) allowed.set(b.code, (allowed.get(b.code) ?? 0) + 1);
    if (a.verdict === 'needs_approval' && b.verdict !== 'needs_approval') approvals++;
    if (examples.length < MAX_EXAMPLES)
      examples.push({
        request_id: input.request_id,
        before: b.verdict,
        after: a.verdict,
        code: a.code ?? b.code,
      });
  }
  return {
    evaluated: inputs.length,
    changed,
    would_block: counts(blocked),
    would_allow: counts(allowed),
    would_require_approval: approvals,
    examples,
    not_simulated: NOT_SIMULATED,
  };
}
