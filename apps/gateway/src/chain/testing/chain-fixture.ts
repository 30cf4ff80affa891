import { ReservationBook } from '@llmgov/budget';
import {
  DEFAULT_DEPLOYER,
  PLAN_DEFAULTS,
  resolveModel,
  type ActivePolicy,
  type GovernanceSettings,
  type DeployerPolicy,
  type Plan,
  type PolicyException,
  type PolicyRule,
  type PolicyType,
  type RuleConfig,
} from '@llmgov/policy-schema';
import {
  emptyMeta,
  newContext,
  type ChainContext,
  type ChatRequest,
  type ChainViews,
  type Principal,
  type RequestMeta,
  type Verdict,
  type ChainStep,
} from '@llmgov/chain';
import { LocalRateLimiter } from '../../views/local-rate-limiter';
import { BookBudgetGate } from '../../views/book-budget-gate';
import { AgentReviews } from '../../views/agent-reviews';
import { estimateCost } from '../cost';

/** Test data for table tests of the chain steps: an org, a key, an agent, a policy built from plan defaults. */
export const ORG = 'org_test';
export const KEY = 'key_test';
export const SECRET = 'gk_testsecret0123456789abcdefghijklmnopqrstuv';
export const AGENT = 'agt_test';
export const TEAM = 'team_test';
export const NOW = new Date('2026-06-15T12:00:00.000Z');

export interface PolicyPatch {
  plan?: Plan;
  settings?: Partial<GovernanceSettings>;
  deployer?: Partial<DeployerPolicy>;
  rules?: PolicyRule[];
  exceptions?: PolicyException[];
}

export function testPolicy(patch: PolicyPatch = {}): ActivePolicy {
  const plan = patch.plan ?? 'growth';
  return {
    org_id: ORG,
    policy_id: 'pdoc_test',
    version_id: 'pv_test',
    policy_version: 7,
    digest: 'sha256:test',
    signed_by: ['alice@example.com'],
    effective_date: '2026-04-01T00:00:00.000Z',
    document: {
      org_id: ORG,
      plan,
      settings: { ...PLAN_DEFAULTS[plan], ...patch.settings },
      rules: patch.rules ?? [],
      deployer: { ...DEFAULT_DEPLOYER, ...patch.deployer },
      exceptions: patch.exceptions ?? [],
    },
  };
}

let ruleSeq = 0;
export function rule<T extends PolicyType>(
  policy_type: T,
  config: RuleConfig<T>,
  scope: Partial<
    Pick<PolicyRule, 'scope' | 'team_id' | 'agent_id' | 'key_id' | 'enabled' | 'name'>
  > = {},
): PolicyRule {
  return {
    id: `pol_${policy_type}_${++ruleSeq}`,
    name: scope.name ?? `${policy_type} rule`,
    description: null,
    policy_type,
    config: config as Record<string, unknown> as PolicyRule['config'],
    scope: scope.scope ?? 'global',
    team_id: scope.team_id ?? null,
    agent_id: scope.agent_id ?? null,
    key_id: scope.key_id ?? null,
    enabled: scope.enabled ?? true,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  } as PolicyRule;
}

export function exception(
  kind: PolicyException['kind'],
  target: string,
  scope: PolicyException['scope'] = 'org',
  scope_id: string | null = null,
  expires_at = '2026-12-31T00:00:00.000Z',
): PolicyException {
  return {
    id: `exc_${target}`,
    kind,
    target,
    scope,
    scope_id,
    approver: 'carol@example.com',
    reason: 'test',
    expires_at,
    created_at: '2026-01-01T00:00:00.000Z',
  };
}

export interface Views extends ChainViews {
  rate: LocalRateLimiter;
  budget: BookBudgetGate;
  reviews: AgentReviews;
}

/** In-memory views with one org, one team, one agent (created 2026-06-01) and one key. */
export function testViews(
  policy: ActivePolicy | null = testPolicy(),
  opts: { plan?: Plan; keyAgent?: string | null } = {},
): Views {
  return {
    tenancy: {
      keyBySecret: (s) =>
        s === SECRET
          ? { key_id: KEY, org_id: ORG, team_id: null, agent_id: opts.keyAgent ?? null }
          : undefined,
      org: (id) =>
        id === ORG
          ? { org_id: ORG, plan: opts.plan ?? policy?.document.plan ?? 'growth' }
          : undefined,
      agent: (id) =>
        id === AGENT
          ? {
              agent_id: AGENT,
              org_id: ORG,
              team_id: TEAM,
              environment: 'production',
              created_at: '2026-06-01T00:00:00.000Z',
            }
          : undefined,
      team: (id) => (id === TEAM ? { team_id: TEAM, org_id: ORG } : undefined),
    },
    policies: { active: (id) => (id === ORG && policy ? policy : undefined) },
    reviews: new AgentReviews(),
    rate: new LocalRateLimiter(),
    budget: new BookBudgetGate(new ReservationBook({ replica_id: 'test' })),
  };
}

export const chat = (
  content: ChatRequest['messages'][number]['content'],
  extra: Partial<ChatRequest> = {},
): ChatRequest => ({
  model: 'mock/echo',
  messages: [{ role: 'user', content }],
  ...extra,
});

export interface Prepared {
  policy?: ActivePolicy;
  views?: Views;
  request?: ChatRequest;
  principal?: Partial<Principal>;
  meta?: Partial<RequestMeta>;
  headers?: Record<string, string>;
  raw?: string | Buffer | null;
  dryRun?: boolean;
  now?: Date;
  requestId?: string;
}

/** A context as the steps before the one under test would leave it (principal, policy, request, pool, estimate). */
export function prepared(p: Prepared = {}): ChainContext {
  const policy = p.policy ?? testPolicy();
  const views = p.views ?? testViews(policy);
  const ctx = newContext({
    request_id: p.requestId ?? 'req_test',
    now: p.now ?? NOW,
    headers: p.headers ?? {},
    raw_body: p.raw === undefined ? null : typeof p.raw === 'string' ? Buffer.from(p.raw) : p.raw,
    views,
    dry_run: p.dryRun ?? false,
  });
  ctx.principal = {
    org_id: ORG,
    plan: policy.document.plan,
    key_id: KEY,
    team_id: null,
    agent_id: null,
    environment: null,
    agent_created_at: null,
    ...p.principal,
  };
  ctx.policy = policy;
  ctx.request = p.request ?? chat('hello');
  ctx.meta = { ...emptyMeta(), ...p.meta };
  const names = [ctx.request.model, ...(ctx.request.fallbacks ?? [])];
  ctx.candidates = names.map((n) => resolveModel(n)).filter((m) => m !== null);
  ctx.pool = ctx.candidates;
  ctx.estimate = estimateCost(
    ctx.request,
    ctx.pool.map((m) => m.entry),
  );
  return ctx;
}

/** Runs a step that must decide without awaiting (no remote guardrails configured). */
export function syncRun(step: ChainStep, ctx: ChainContext): Verdict {
  const v = step.run(ctx);
  if (v instanceof Promise) throw new Error(`${step.id} awaited remote guardrails`);
  return v;
}

/** Runs a step and reduces its verdict to what tables compare: kind and code. */
export function verdictOf(
  step: ChainStep,
  ctx: ChainContext,
): { kind: Verdict['kind']; code: string | null; status?: number } {
  const v = syncRun(step, ctx);
  if (v.kind === 'block') return { kind: v.kind, code: v.code, status: v.status };
  if (v.kind === 'warn' || v.kind === 'redact') return { kind: v.kind, code: v.code };
  if (v.kind === 'needs_approval') return { kind: v.kind, code: v.trigger };
  return { kind: v.kind, code: null };
}
