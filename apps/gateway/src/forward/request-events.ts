import { randomUUID } from 'node:crypto';
import type { EventOf, requestsTopic, policyViolatedTopic, approvalsTopic } from '@llmgov/events';
import {
  endUserOf,
  type Block,
  type ChainContext,
  type StepId,
  type StepTrace,
} from '@llmgov/chain';
import { resolveModel } from '@llmgov/policy-schema';

type RequestEvent = EventOf<typeof requestsTopic>;
type Admitted = Extract<RequestEvent, { type: 'request.admitted' }>;
type Completed = Extract<RequestEvent, { type: 'request.completed' }>;
type Violated = EventOf<typeof policyViolatedTopic>;
type ApprovalRequested = Extract<EventOf<typeof approvalsTopic>, { type: 'approval.requested' }>;

/** The `source` of every event a gateway replica publishes (its views skip their own by it). */
export const gatewaySource = (replicaId: string): string => `gateway/${replicaId}`;

const envelope = <T extends string>(type: T, subject: string, source: string, time: string) => ({
  id: randomUUID(),
  type,
  source,
  time,
  subject,
});

function principalOf(ctx: ChainContext) {
  const p = ctx.principal;
  return {
    request_id: ctx.request_id,
    org_id: p?.org_id ?? 'unknown',
    team_id: p?.team_id ?? null,
    key_id: p?.key_id ?? 'unknown',
    agent_id: p?.agent_id ?? null,
    session_id: ctx.meta?.session_id ?? null,
    environment: p?.environment ?? null,
    end_user: endUserOf(ctx.request),
  };
}

export function admittedEvent(
  ctx: ChainContext,
  source: string,
  replicaId: string,
  expiresAt: Date,
): Admitted {
  const model = ctx.pool[0]!;
  const at = ctx.now.toISOString();
  return {
    ...envelope('request.admitted', ctx.request_id, source, at),
    data: {
      ...principalOf(ctx),
      model: model.id,
      provider: model.provider,
      tags: ctx.meta?.tags ?? [],
      reserved_micro_usd: ctx.reserved_micro_usd,
      reservation_expires_at: expiresAt.toISOString(),
      replica_id: replicaId,
      admitted_at: at,
    },
  };
}

export interface Completion {
  outcome: Completed['data']['outcome'];
  http_status: number;
  model: string | null;
  provider: string | null;
  usage: { prompt_tokens: number; completion_tokens: number };
  /** The upstream reported no usage: counted by the gateway. */
  usage_estimated?: boolean;
  cost_micro_usd: number;
  streamed: boolean;
  governance_ms: number;
  upstream_ms: number | null;
}

const stepTraces = (trace: StepTrace[]) =>
  trace.map((t) => ({
    step: t.step,
    verdict: t.verdict,
    code: t.code,
    policy_id: t.policy_id,
    duration_ms: t.duration_ms,
  }));

/** Usage, cost, the decision trace (step, verdict, code, policy, timing) and findings (spans) — never prompt text. */
export function completedEvent(
  ctx: ChainContext,
  trace: StepTrace[],
  c: Completion,
  source: string,
  replicaId: string,
  now: Date,
): Completed {
  return {
    ...envelope('request.completed', ctx.request_id, source, now.toISOString()),
    data: {
      ...principalOf(ctx),
      model: c.model ?? ctx.request?.model ?? 'unknown',
      provider: c.provider,
      outcome: c.outcome,
      http_status: c.http_status,
      usage: { ...c.usage, total_tokens: c.usage.prompt_tokens + c.usage.completion_tokens },
      ...(c.usage_estimated ? { usage_estimated: true } : {}),
      cost_micro_usd: c.cost_micro_usd,
      reserved_micro_usd: ctx.reserved_micro_usd,
      tags: ctx.meta?.tags ?? [],
      streamed: c.streamed,
      policy_id: ctx.policy?.policy_id ?? null,
      policy_version: ctx.policy?.policy_version ?? null,
      decision: stepTraces(trace),
      findings: ctx.findings,
      governance_ms: c.governance_ms,
      upstream_ms: c.upstream_ms,
      replica_id: replicaId,
      started_at: ctx.now.toISOString(),
      completed_at: now.toISOString(),
    },
  };
}

/** A refusal for outside subscribers: ids, step, code, policy version — the message names no secret or prompt text. */
export function violatedEvent(
  ctx: ChainContext,
  step: StepId | null,
  b: Block,
  source: string,
  now: Date,
): Violated {
  const model = ctx.pool[0] ?? ctx.candidates[0] ?? null;
  return {
    ...envelope('policy.violated', ctx.request_id, source, now.toISOString()),
    data: {
      ...principalOf(ctx),
      model: model?.id ?? ctx.request?.model ?? null,
      // A refusal before the pool is known still names the provider the model name names (catalogued or not).
      provider:
        model?.provider ??
        (ctx.request ? (resolveModel(ctx.request.model)?.provider ?? null) : null),
      step: step ?? 'none',
      code: b.code,
      http_status: b.status,
      message: b.message,
      policy_id: b.policy_id,
      policy_doc_id: ctx.policy?.policy_id ?? null,
      policy_version: ctx.policy?.policy_version ?? null,
      findings: ctx.findings,
      occurred_at: now.toISOString(),
    },
  };
}

export function approvalRequestedEvent(
  ctx: ChainContext,
  approvalId: string,
  fingerprint: string,
  trigger: ApprovalRequested['data']['trigger'],
  expiresAt: Date,
  source: string,
): ApprovalRequested {
  const p = principalOf(ctx);
  const model = ctx.pool[0];
  return {
    ...envelope('approval.requested', approvalId, source, ctx.now.toISOString()),
    data: {
      approval_id: approvalId,
      org_id: p.org_id,
      team_id: p.team_id,
      key_id: p.key_id,
      agent_id: p.agent_id,
      environment: p.environment,
      request_id: ctx.request_id,
      fingerprint,
      model: model?.id ?? ctx.request!.model,
      provider: model?.provider ?? null,
      estimated_cost_micro_usd: ctx.estimate?.cost_micro_usd ?? 0,
      trigger,
      preview: null,
      policy_version: ctx.policy?.policy_version ?? null,
      requested_at: ctx.now.toISOString(),
      expires_at: expiresAt.toISOString(),
    },
  };
}
