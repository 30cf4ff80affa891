import type { ActivePolicy, Plan } from '@llmgov/policy-schema';
import type { BudgetLimit, BudgetPrincipal } from '@llmgov/budget';

/** A gateway key as the chain sees it (never the secret). */
export interface GatewayKey {
  key_id: string;
  org_id: string;
  team_id: string | null;
  agent_id: string | null;
}
export interface OrgView {
  org_id: string;
  plan: Plan;
}
export interface AgentView {
  agent_id: string;
  org_id: string;
  team_id: string | null;
  environment: string;
  created_at: string;
}
export interface TeamView {
  team_id: string;
  org_id: string;
}

/** Orgs, teams, agents and gateway keys, folded from the tenancy topic. */
export interface TenancyView {
  keyBySecret(secret: string): GatewayKey | undefined;
  org(orgId: string): OrgView | undefined;
  agent(agentId: string): AgentView | undefined;
  team(teamId: string): TeamView | undefined;
}

/** The verified active policy of each org, from `policy.published`. */
export interface PolicyView {
  active(orgId: string): ActivePolicy | undefined;
}

/** Last human review of each agent, from `agent.review.recorded`. */
export interface AgentReviewView {
  lastReviewedAt(agentId: string): string | undefined;
}

/** One counter a request must fit in: fixed windows aligned to the epoch (minute, UTC day). */
export interface RateBucket {
  key: string;
  limit: number;
  window_ms: number;
  code: 'rate_limit' | 'plan_quota';
  policy_id: string | null;
  policy_type: string;
}
export interface RateDecision {
  allowed: boolean;
  /** The bucket that refused, or the tightest one (for headers). */
  bucket: RateBucket | null;
  remaining: number;
  reset_ms: number;
  /** Set when this replica's lag share of the window refused (over that many live replicas), not the window. */
  share_replicas?: number;
}
/** Local counters per replica, with peers' admitted requests folded in. */
export interface RateLimiter {
  /** Checks every bucket; when all fit and `commit`, counts the request in each (all or nothing). */
  check(buckets: readonly RateBucket[], nowMs: number, commit: boolean): RateDecision;
}

export type ReserveResult =
  | { ok: true }
  | {
      ok: false;
      limit: BudgetLimit;
      spent_micro_usd: number;
      /** What is left to this request: of the budget, or of this replica's lag share of it (`share_replicas`). */
      remaining_micro_usd: number;
      /** Set when this replica's lag share (over that many live replicas) refused, not the budget. */
      share_replicas?: number;
      /** When a share may free up (seconds): sent as `Retry-After`. */
      retry_after_s?: number;
    };

/**
 * Budget reservations (every level at once, all or nothing), settled when usage is known.
 * The accounting is `@llmgov/budget`'s `ReservationBook`; the gateway adapts it to this port.
 */
export interface BudgetGate {
  /** Checks every limit; with `commit`, reserves `amount` on every counter of the principal. */
  reserve(
    requestId: string,
    principal: BudgetPrincipal,
    limits: readonly BudgetLimit[],
    amountMicroUsd: number,
    now: Date,
    commit: boolean,
  ): ReserveResult;
  settle(requestId: string, actualMicroUsd: number, now: Date): void;
  release(requestId: string): void;
  /** Grows the request's open reservation to `totalMicroUsd` if every limit has room (all or nothing). */
  grow(requestId: string, limits: readonly BudgetLimit[], totalMicroUsd: number): boolean;
  /** Settled + reserved spend on a limit's counter. */
  used(limit: BudgetLimit): number;
}

/** Everything the chain reads, all in memory: the hot path never waits on another service. */
export interface ChainViews {
  tenancy: TenancyView;
  policies: PolicyView;
  reviews: AgentReviewView;
  rate: RateLimiter;
  budget: BudgetGate;
}
