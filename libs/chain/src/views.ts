import type { ActivePolicy, Plan } from '@llmgov/policy-schema';
import type { ErrorCode } from './codes';

/** A gateway key as the chain sees it (never the secret). */
export interface GatewayKey {
  key_id: string;
  org_id: string;
  team_id: string | null;
  agent_id: string | null;
}
export interface OrgView { org_id: string; plan: Plan }
export interface AgentView { agent_id: string; org_id: string; team_id: string | null; environment: string; created_at: string }
export interface TeamView { team_id: string; org_id: string }

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
}
/** Local counters per replica, with peers' admitted requests folded in. */
export interface RateLimiter {
  /** Checks every bucket; when all fit and `commit`, counts the request in each (all or nothing). */
  check(buckets: readonly RateBucket[], nowMs: number, commit: boolean): RateDecision;
}

/** One budget a request's reservation must fit in. */
export interface BudgetLine {
  scope: 'org' | 'team' | 'key' | 'agent' | 'session';
  scope_id: string;
  period: 'day' | 'month' | 'session';
  limit_micro_usd: number;
  code: Extract<ErrorCode, 'daily_budget' | 'budget_limit' | 'runner_session_budget'>;
  policy_id: string | null;
  policy_type: string;
}
export type ReserveResult =
  | { ok: true; reserved_micro_usd: number }
  | { ok: false; line: BudgetLine; spent_micro_usd: number; remaining_micro_usd: number };

/**
 * Budget reservations (all levels at once, all or nothing), settled when usage is known.
 * The pure logic belongs to `@llmgov/budget`; the gateway adapts it to this port.
 */
export interface BudgetGate {
  reserve(requestId: string, lines: readonly BudgetLine[], amountMicroUsd: number, now: Date, commit: boolean): ReserveResult;
  settle(requestId: string, actualMicroUsd: number, now: Date): void;
  release(requestId: string, now: Date): void;
  /** Spend (settled + reserved) of a scope in the period containing `now`. */
  spent(scope: BudgetLine['scope'], scopeId: string, period: BudgetLine['period'], now: Date): number;
}

/** Everything the chain reads, all in memory: the hot path never waits on another service. */
export interface ChainViews {
  tenancy: TenancyView;
  policies: PolicyView;
  reviews: AgentReviewView;
  rate: RateLimiter;
  budget: BudgetGate;
}
