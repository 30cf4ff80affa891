import { approvalsTopic, policyViolatedTopic, requestsTopic } from '@llmgov/events';
import type { Block, ChainContext, ChainResult, ResolvedModel, StepId } from '@llmgov/chain';
import type { Clock } from '@llmgov/service-kit';
import { gatewayMetrics, recordGenAiOperation, type RequestOutcome } from '@llmgov/telemetry';
import type { EventPublisher } from '../events/event-publisher';
import { fingerprintOf } from './approvals';
import {
  approvalRequestedEvent,
  completedEvent,
  gatewaySource,
  violatedEvent,
  type Completion,
} from './request-events';

/** The `gateway_requests_total` labels of a request's outcome. */
export interface RequestMetric {
  outcome: RequestOutcome;
  step?: string;
  code?: string;
}

/** How a request ends: what `Settler.settle` does with its reservation, events and metrics. */
export interface Settlement {
  /** `commit`: the completion's cost is spent; `release`: nothing was spent. */
  reservation: 'commit' | 'release';
  /** Published as `request.completed` (for an authenticated caller). */
  completion: Completion;
  /** A refusal: published as `policy.violated` and counted as `refused` at its step. */
  violation?: { step: StepId | null; block: Block };
  /** How the request is counted when it is not a refusal. */
  metric?: RequestMetric;
  /** A new approval: published as `approval.requested`. */
  approval?: { id: string; expires: Date; trigger: ApprovalTrigger };
  /** The upstream model that answered: latency, usage and GenAI metrics (from `completion`). */
  upstream?: { model: ResolvedModel; responseModel?: string; failed?: boolean };
  /** The `request.admitted` event queued at admission: withdrawn when it was not sent yet. */
  admittedId?: string;
}

/** What `approval.requested` says triggered it. */
export type ApprovalTrigger = Parameters<typeof approvalRequestedEvent>[3];

/** What settling needs from the gateway. */
export interface SettleDeps {
  publisher: EventPublisher;
  clock: Clock;
  replicaId: string;
}

/**
 * The one place a governed request ends: releases or commits its budget reservation, queues
 * its events (never awaited) and records its metrics — for refusals, holds, upstream errors,
 * answers, held answers and stream ends alike.
 */
export class Settler {
  private readonly source: string;

  constructor(private readonly deps: SettleDeps) {
    this.source = gatewaySource(deps.replicaId);
  }

  settle(ctx: ChainContext, result: ChainResult, s: Settlement): void {
    const { publisher, replicaId } = this.deps;
    const now = this.deps.clock.now();
    const c = s.completion;
    if (s.reservation === 'commit') ctx.views.budget.settle(ctx.request_id, c.cost_micro_usd, now);
    else ctx.views.budget.release(ctx.request_id);
    if (s.violation) {
      const { step, block } = s.violation;
      publisher.enqueue(policyViolatedTopic, violatedEvent(ctx, step, block, this.source, now));
    }
    if (s.approval) {
      const { id, expires, trigger } = s.approval;
      const fingerprint = fingerprintOf(ctx.request!);
      publisher.enqueue(
        approvalsTopic,
        approvalRequestedEvent(ctx, id, fingerprint, trigger, expires, this.source),
      );
    }
    if (s.admittedId) publisher.withdraw(requestsTopic, s.admittedId);
    if (ctx.principal)
      publisher.enqueue(
        requestsTopic,
        completedEvent(ctx, result.trace, c, this.source, replicaId, now),
      );
    if (s.upstream) recordUpstream(s.upstream, c);
    const m: RequestMetric = s.violation
      ? { outcome: 'refused', step: s.violation.step ?? 'none', code: s.violation.block.code }
      : (s.metric ?? { outcome: 'allowed' });
    gatewayMetrics.request(m.outcome, m.step, m.code);
  }
}

function recordUpstream(u: NonNullable<Settlement['upstream']>, c: Completion): void {
  const { model } = u;
  const seconds = (c.upstream_ms ?? 0) / 1000;
  const { prompt_tokens: inputTokens, completion_tokens: outputTokens } = c.usage;
  gatewayMetrics.upstream(model.provider, model.id, u.failed ? 'error' : 'ok', seconds);
  gatewayMetrics.usage(model.provider, model.id, inputTokens, outputTokens, c.cost_micro_usd);
  recordGenAiOperation({
    provider: model.provider,
    requestModel: model.upstreamModel,
    ...(u.responseModel !== undefined ? { responseModel: u.responseModel } : {}),
    seconds,
    inputTokens,
    outputTokens,
    ...(u.failed ? { errorType: 'stream_error' } : {}),
  });
}

/** The `request.completed` data of a request the upstream did not answer (yet): nothing spent. */
export function completionOf(
  ctx: ChainContext,
  result: ChainResult,
  outcome: Completion['outcome'],
  status: number,
  extra: Partial<Completion> = {},
): Completion {
  const model = ctx.pool[0] ?? ctx.candidates[0];
  return {
    outcome,
    http_status: status,
    model: model?.id ?? ctx.request?.model ?? null,
    provider: model?.provider ?? null,
    usage: { prompt_tokens: 0, completion_tokens: 0 },
    cost_micro_usd: 0,
    streamed: ctx.request?.stream === true,
    governance_ms: result.governance_ms,
    upstream_ms: null,
    ...extra,
  };
}
