import { budgetLimitsFor } from '@llmgov/budget';
import { configOf, exceptionFor, rulesFor, toMicro, type Principal } from '@llmgov/chain';
import { TIER_ORDER, resolveModel, type PolicyDocument } from '@llmgov/policy-schema';

/**
 * Shadow evaluation (CONTRACT.md §6): re-decides recorded requests under two versions of a
 * policy document and reports what would change. The inputs are what `request.completed`
 * carries (principal ids, environment, model, provider, cost, usage), never prompt text, so
 * only the steps that decide from those fields are re-run; the others are listed in
 * NOT_SIMULATED and both versions are judged by the same re-decision, so a difference comes
 * from the policy change alone.
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
const block = (step: string, code: string): SimOutcome => ({ verdict: 'block', code, step });

/** Running spend per budget counter over the simulated window (starts at zero). */
export type SpendCounters = Map<string, number>;

/** Re-decides one request under `doc`, adding its cost to `spend` when it would be allowed. */
export function redecide(
  doc: PolicyDocument,
  input: DecisionInput,
  spend: SpendCounters,
): SimOutcome {
  const at = new Date(input.completed_at);
  const p: Principal = {
    org_id: input.org_id,
    plan: doc.plan,
    key_id: input.key_id,
    team_id: input.team_id,
    agent_id: input.agent_id,
    environment: input.environment,
    agent_created_at: null,
  };
  const resolved = resolveModel(input.model);
  const m = resolved ?? {
    id: input.model,
    provider: input.provider ?? 'unknown',
    upstreamModel: input.model,
    entry: null,
  };
  const listed = (list: readonly string[]) =>
    list.includes(m.id) || list.includes(`${m.provider}/${m.upstreamModel}`);

  // 6 provider_gate
  if (!exceptionFor(doc, 'provider', m.provider, p, at)) {
    if (rulesFor(doc, 'block_provider', p).some((r) => configOf(r).provider === m.provider))
      return block('provider_gate', 'block_provider');
    if (
      doc.deployer.allowed_providers !== null &&
      !doc.deployer.allowed_providers.includes(m.provider)
    )
      return block('provider_gate', 'block_provider');
  }
  // 7 model_access
  if (!exceptionFor(doc, 'model', m.id, p, at)) {
    if (rulesFor(doc, 'model_allowlist', p).some((r) => !listed(configOf(r).allowed_models)))
      return block('model_access', 'model_allowlist');
    const al = doc.settings.model_allowlist;
    if (al.mode === 'explicit' && !listed(al.models))
      return block('model_access', 'model_allowlist');
    if (al.mode === 'tier' && (!m.entry || TIER_ORDER[m.entry.tier] > TIER_ORDER[al.max_tier]))
      return block('model_access', 'model_allowlist');
    if (doc.deployer.eligible_models !== null && !listed(doc.deployer.eligible_models))
      return block('model_access', 'model_allowlist');
    if ((doc.plan === 'free' || doc.deployer.free_tier_only) && !m.entry?.free)
      return block('model_access', 'paid_model_on_free_tier');
  }
  // 8 routing_pool: the safety floor on the requested model (fallbacks are not recorded)
  const floors = [
    doc.deployer.minimum_safety_score,
    ...rulesFor(doc, 'minimum_safety_score', p).map((r) => configOf(r).minimum_safety_score),
  ].filter((f): f is number => f !== null);
  if (floors.length > 0) {
    const score = m.entry?.safety_score;
    if (score === undefined || score < Math.max(...floors))
      return block('routing_pool', 'policy_safety_filter_empty');
  }
  // 9 budget: the recorded estimate against the per-request limit and what is left of each budget
  const estimate = Math.max(input.reserved_micro_usd, input.cost_micro_usd);
  if (
    doc.settings.per_request_limit_usd !== null &&
    estimate > toMicro(doc.settings.per_request_limit_usd)
  )
    return block('budget', 'per_request_limit');
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
  const over = limits.find((l) => (spend.get(counter(l)) ?? 0) + estimate > l.limit_micro_usd);
  if (over) return block('budget', over.code);
  // 13 hitl_gate: require_approval by environment, model or cost; the cost gate
  const approval = rulesFor(doc, 'require_approval', p).some((r) => {
    const c = configOf(r);
    return (
      (c.environment === undefined || c.environment === p.environment) &&
      (c.min_cost_usd === undefined || estimate >= toMicro(c.min_cost_usd)) &&
      (c.models === undefined || c.models.includes(m.id))
    );
  });
  const threshold = doc.settings.hitl_cost_threshold_usd;
  const outcome: SimOutcome =
    approval || (threshold !== null && estimate > toMicro(threshold))
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
 * `before`'s code. Budgets count from zero at the start of the window.
 */
export function simulate(
  before: PolicyDocument,
  after: PolicyDocument,
  inputs: readonly DecisionInput[],
): SimulationReport {
  const spendBefore: SpendCounters = new Map();
  const spendAfter: SpendCounters = new Map();
  const blocked = new Map<string, number>();
  const allowed = new Map<string, number>();
  const examples: SimulationReport['examples'] = [];
  let changed = 0;
  let approvals = 0;
  for (const input of inputs) {
    const b = redecide(before, input, spendBefore);
    const a = redecide(after, input, spendAfter);
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
