import type { BudgetLimit } from '@llmgov/budget';
import type { ActivePolicy, CatalogueModel, Plan, RiskTier } from '@llmgov/policy-schema';
import type { ChatRequest, RequestMeta } from './request';
import type { ChainViews, RateDecision } from './views';

export interface Principal {
  org_id: string;
  plan: Plan;
  key_id: string;
  team_id: string | null;
  agent_id: string | null;
  environment: string | null;
  /** When the agent was created (review schedules start there). */
  agent_created_at: string | null;
}

export interface ResolvedModel {
  id: string;
  provider: string;
  upstreamModel: string;
  entry: CatalogueModel | null;
}

export interface CostEstimate {
  prompt_tokens: number;
  max_output_tokens: number;
  cost_micro_usd: number;
}

/** Where a finding is: a request field (`messages[1].content`, `tools[0].function.description`…) and [start, end) in it. */
export interface FindingSpan {
  field: string;
  start: number;
  end: number;
}

/** A finding of a scanner, for traces and events (spans, never the matched text, leave the gateway). */
export interface Finding {
  detector: string;
  label: string;
  action: 'block' | 'warn' | 'redact' | 'review' | 'monitor';
  /** Classifier probability, or 1 for a validated pattern. */
  score?: number;
  spans?: FindingSpan[];
}

/** Every detector's score on a request, fired or not (explain shows them all). */
export interface DetectorScore {
  detector: string;
  label: string;
  score: number;
  /** The score at which the label fires at the sensitivity in force (null: pattern detectors). */
  threshold: number | null;
  /** A remote guardrail that gave no answer: why (`timeout`, `unavailable`, `bad_response`, `missing_secret`). */
  error?: string;
}

/**
 * What the 13 steps read and fill, in order. Inputs are set by the HTTP adapter; each
 * step fills its part (authenticate: principal and policy; request_limits: request and
 * meta; provider_gate: candidates; routing_pool: pool; budget: estimate; …).
 */
export interface ChainContext {
  readonly request_id: string;
  readonly now: Date;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as received (request_limits checks its size before parsing it once). */
  readonly raw_body: Buffer | null;
  /** Body size in bytes: the body's length, or the declared Content-Length when the body was refused unread. */
  readonly body_size: number;
  readonly views: ChainViews;
  /** Explain: decide without counting, reserving or calling anything. */
  readonly dry_run: boolean;
  /** Aborted at the request deadline or when the client goes away (bounds remote guardrail calls). */
  readonly signal?: AbortSignal;

  principal: Principal | null;
  policy: ActivePolicy | null;
  request: ChatRequest | null;
  meta: RequestMeta | null;
  risk_tier: RiskTier | null;
  rate: RateDecision | null;
  /** Primary model then fallbacks, as resolved and still allowed. */
  candidates: ResolvedModel[];
  /** What routing keeps after the chain-length cap and the safety floor. */
  pool: ResolvedModel[];
  estimate: CostEstimate | null;
  reserved_micro_usd: number;
  /** The budgets the request was checked against (budget step), for settlement and headers. */
  budget_limits: BudgetLimit[];
  findings: Finding[];
  detector_scores: DetectorScore[];
  /**
   * The request before any redaction (set by pii_scan when it redacts): later scanners
   * detect on what the caller sent, so a redaction cannot hide an exfiltration address.
   */
  unredacted: ChatRequest | null;
  /** Content categories sent to review by the content gate. */
  review_categories: string[];
  /** Set by hitl_gate when an approved retry must be consumed before forwarding. */
  consume_approval_id: string | null;
}

export function newContext(
  init: Pick<ChainContext, 'request_id' | 'now' | 'headers' | 'raw_body' | 'views' | 'dry_run'> & {
    signal?: AbortSignal;
    request?: ChatRequest | null;
    body_size?: number;
  },
): ChainContext {
  return {
    ...init,
    body_size: init.body_size ?? init.raw_body?.length ?? 0,
    principal: null,
    policy: null,
    request: init.request ?? null,
    meta: null,
    risk_tier: null,
    rate: null,
    candidates: [],
    pool: [],
    estimate: null,
    reserved_micro_usd: 0,
    budget_limits: [],
    findings: [],
    detector_scores: [],
    unredacted: null,
    review_categories: [],
    consume_approval_id: null,
  };
}
