import { randomUUID } from 'node:crypto';
import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { requestsTopic } from '@llmgov/events';
import {
  block,
  newContext,
  runChain,
  type ApprovalTrigger,
  type Block,
  type ChainContext,
  type ChainResult,
  type ChainStep,
  type StepId,
} from '@llmgov/chain';
import type { Clock } from '@llmgov/service-kit';
import type { Logger } from '@llmgov/telemetry';
import { gatewayMetrics, tracingEnabled, withGovernanceStep, withSpan } from '@llmgov/telemetry';
import { CHAIN_STEPS } from '../chain/steps';
import { scanAnswer } from '../chain/detectors/remote/apply';
import { authenticateStep, secretOf } from '../chain/steps/authenticate.step';
import { providerGateStep } from '../chain/steps/provider-gate.step';
import { modelAccessStep } from '../chain/steps/model-access.step';
import { routingPoolStep } from '../chain/steps/routing-pool.step';
import { MODEL_CATALOGUE, resolveModel } from '@llmgov/policy-schema';
import { routeOf } from '../routing/order-deployments';
import { costOf } from '../chain/cost';
import type { EventPublisher } from '../events/event-publisher';
import type { ChatCompletion } from '../providers/provider';
import type { ProviderRegistry } from '../providers/provider-registry';
import type { GatewayViews } from '../views/gateway-views';
import { RESERVATION_TTL_MS } from '../views/book-budget-gate';
import { consumeApproval, fingerprintOf, storeHeldAnswer } from './approvals';
import {
  completionAsEvents,
  confidenceThreshold,
  judgeConfidence,
  openAnswer,
  sealAnswer,
  stripLogprobs,
} from './confidence';
import { governanceHeaders } from './governance-headers';
import { json, refusal, type Headers, type HttpIn, type HttpOut } from './http';
import { admittedEvent, gatewaySource, type Completion } from './request-events';
import { answerUsage } from './answer-usage';
import { redactCompletion, responsePatterns } from './response-scan';
import { relay } from './sse-response';
import { Settler, completionOf, type RequestMetric } from './settle';
import { StreamBudget } from './stream-budget';
import { callPool, type PoolCall } from './upstream';

export interface GatewayDeps {
  views: GatewayViews;
  providers: ProviderRegistry;
  publisher: EventPublisher;
  clock: Clock;
  replicaId: string;
  /** Where `POST /approvals/:id/consume` lives (embedded: this process). */
  approvalServiceUrl: string | null;
  /** Seals answers the confidence gate holds (forward/confidence.ts). */
  heldAnswerKey: Buffer;
  logger: Logger;
}

const MODEL_STEPS = [providerGateStep, modelAccessStep, routingPoolStep];
const EMPTY_META = {
  agent_id: null,
  team_id: null,
  environment: null,
  purpose: null,
  user_consent_id: null,
  session_id: null,
  tags: [],
  approval_id: null,
};

/** The chain with a `governance.step` span per step, used only while tracing is on. */
const TRACED_STEPS: readonly ChainStep[] = CHAIN_STEPS.map((step, i) => ({
  id: step.id,
  run: (ctx: ChainContext) =>
    withGovernanceStep(
      { id: step.id, number: i + 1, policyVersion: ctx.policy?.policy_version ?? null },
      () => step.run(ctx),
    ),
}));

const HELD: RequestMetric = { outcome: 'held', step: 'hitl_gate', code: 'approval_required' };

const newRequestId = (): string => `req_${randomUUID().replace(/-/g, '')}`;

/**
 * The data plane: runs the chain over a request, answers refusals and approvals, forwards
 * what passes (with fallbacks), scans and prices the answer, settles the reservation and
 * publishes the outcome — events are queued, never awaited.
 */
export class Gateway {
  private readonly source: string;
  private readonly settler: Settler;
  private sampled = 0;

  constructor(private readonly deps: GatewayDeps) {
    this.source = gatewaySource(deps.replicaId);
    this.settler = new Settler(deps);
  }

  private context(input: HttpIn, dryRun: boolean): ChainContext {
    return newContext({
      request_id: newRequestId(),
      now: this.deps.clock.now(),
      headers: input.headers,
      raw_body: input.body,
      body_size: input.declaredSize,
      views: this.deps.views,
      dry_run: dryRun,
      signal: input.signal,
    });
  }

  /** `call` reaches the upstream (default: chat completions over the routing pool; embeddings pass their own). */
  async chat(input: HttpIn, call: PoolCall = callPool): Promise<HttpOut> {
    if (!tracingEnabled()) return this.governedChat(input, call);
    // Without an http instrumentation span (in-memory tracing), continue the caller's traceparent.
    const server = trace.getSpan(context.active()) === undefined;
    const parent = server ? propagation.extract(context.active(), input.headers) : context.active();
    return context.with(parent, () =>
      withSpan(
        'gateway.request',
        { 'http.route': '/v1/chat/completions' },
        () => this.governedChat(input, call),
        { kind: server ? SpanKind.SERVER : SpanKind.INTERNAL },
      ),
    );
  }

  private async governedChat(input: HttpIn, call: PoolCall): Promise<HttpOut> {
    const ctx = this.context(input, false);
    const result = await runChain(tracingEnabled() ? TRACED_STEPS : CHAIN_STEPS, ctx);
    // Per-step histograms on 1 request in 8: thirteen observations per request cost more than the steps.
    if ((this.sampled++ & 7) === 0)
      for (const t of result.trace) gatewayMetrics.step(t.step, t.duration_ms / 1000);
    gatewayMetrics.chain(result.governance_ms / 1000);
    const outcome = result.outcome;
    switch (outcome.kind) {
      case 'block':
        return this.refuse(ctx, result, outcome.step, outcome.verdict);
      case 'needs_approval':
        return this.hold(
          ctx,
          result,
          outcome.verdict.trigger,
          outcome.verdict.policy_id,
          outcome.verdict.detail,
        );
      case 'forward':
        return this.forward(ctx, result, input, call);
      default: {
        const never: never = outcome;
        throw new Error(`unknown outcome ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * The caller's plan body limit, from the key alone (no counting), so the adapter can refuse
   * an oversized body by its Content-Length before reading it. Null when the key is unknown.
   */
  bodyLimitFor(headers: HttpIn['headers']): number | null {
    const ctx = newContext({
      request_id: '',
      now: this.deps.clock.now(),
      headers,
      raw_body: null,
      views: this.deps.views,
      dry_run: true,
    });
    return authenticateStep.run(ctx).kind === 'allow'
      ? ctx.policy!.document.settings.body_size_limit_bytes
      : null;
  }

  /** `POST /v1/governance/explain`: the 13-step trace, counting and reserving nothing, calling no provider. */
  async explain(input: HttpIn): Promise<HttpOut> {
    const ctx = this.context(input, true);
    const result = await runChain(CHAIN_STEPS, ctx);
    const headers = governanceHeaders(ctx, result.governance_ms, ctx.estimate?.cost_micro_usd ?? 0);
    const o = result.outcome;
    if (o.kind === 'block' && o.step === 'authenticate' && o.verdict.status === 401)
      return refusal(o.verdict, o.step, ctx.request_id, ctx.policy, headers);
    const decided = o.kind === 'forward' ? null : o;
    return json(200, headers, {
      request_id: ctx.request_id,
      decision: o.kind === 'forward' ? 'allow' : o.kind,
      decided_by: decided
        ? {
            step: decided.step,
            code: decided.kind === 'block' ? decided.verdict.code : 'approval_required',
            message: decided.kind === 'block' ? decided.verdict.message : decided.verdict.detail,
          }
        : null,
      policy: ctx.policy
        ? {
            policy_id: ctx.policy.policy_id,
            version_id: ctx.policy.version_id,
            policy_version: ctx.policy.policy_version,
            digest: ctx.policy.digest,
            signed_by: ctx.policy.signed_by,
            effective_date: ctx.policy.effective_date,
          }
        : null,
      model: ctx.pool[0]?.id ?? ctx.request?.model ?? null,
      routing_pool: ctx.pool.map((m) => m.id),
      estimated_cost_usd: ctx.estimate ? (ctx.estimate.cost_micro_usd / 1e6).toFixed(6) : null,
      governance_ms: result.governance_ms,
      steps: result.trace.map((t, i) => ({
        number: i + 1,
        step: t.step,
        verdict: t.verdict,
        code: t.code,
        policy_id: t.policy_id,
        policy_version: ctx.policy?.policy_version ?? null,
        duration_ms: t.duration_ms,
        ...(t.message ? { message: t.message } : {}),
      })),
      findings: ctx.findings,
      detector_scores: ctx.detector_scores,
    });
  }

  /** `GET /v1/models`: the catalogue models this caller's policy allows and this gateway can call (OpenAI list). */
  models(input: HttpIn): HttpOut {
    const ctx = this.context(input, true);
    const auth = authenticateStep.run(ctx);
    const headers = governanceHeaders(ctx, 0, 0);
    if (auth.kind === 'block')
      return refusal(auth, 'authenticate', ctx.request_id, ctx.policy, headers);
    const data = [];
    for (const m of MODEL_CATALOGUE) {
      // No key here and no deployment of the org's: calling it would answer 503.
      const routes = ctx.policy?.document.settings.model_deployments;
      if (!this.deps.providers.get(m.provider) && !routeOf(routes, m.id, resolveModel)) continue;
      const probe = newContext({
        request_id: ctx.request_id,
        now: ctx.now,
        headers: {},
        raw_body: null,
        views: this.deps.views,
        dry_run: true,
        request: { model: m.id, messages: [] },
      });
      probe.principal = ctx.principal;
      probe.policy = ctx.policy;
      probe.meta = EMPTY_META;
      if (MODEL_STEPS.every((step) => step.run(probe).kind !== 'block'))
        data.push({ id: m.id, object: 'model', created: 0, owned_by: m.provider });
    }
    return json(200, headers, { object: 'list', data });
  }

  private refuse(ctx: ChainContext, result: ChainResult, step: StepId | null, b: Block): HttpOut {
    this.settler.settle(ctx, result, {
      reservation: 'release',
      completion: completionOf(ctx, result, 'refused', b.status),
      violation: { step, block: b },
    });
    const headers = governanceHeaders(
      ctx,
      result.governance_ms,
      ctx.estimate?.cost_micro_usd ?? 0,
      b.retry_after_s,
    );
    return refusal(b, step, ctx.request_id, ctx.policy, headers);
  }

  private hold(
    ctx: ChainContext,
    result: ChainResult,
    trigger: ApprovalTrigger,
    policyId: string | null,
    detail: string,
  ): HttpOut {
    const { approvalId, expires } = newApproval(ctx);
    this.settler.settle(ctx, result, {
      reservation: 'release',
      completion: completionOf(ctx, result, 'pending_approval', 202),
      approval: {
        id: approvalId,
        expires,
        trigger: { kind: trigger, policy_id: policyId, detail },
      },
      metric: HELD,
    });
    return this.pending(
      ctx,
      result.governance_ms,
      ctx.estimate?.cost_micro_usd ?? 0,
      approvalId,
      expires,
      detail,
    );
  }

  /**
   * The confidence gate held this answer: sealed and stored at the approval service (before
   * the approval is announced), then 202. The upstream call is billed now; the approved retry
   * returns the stored answer at no further cost (`releaseHeld`).
   */
  private async holdAnswer(
    ctx: ChainContext,
    result: ChainResult,
    body: ChatCompletion,
    done: Completion,
    held: { confidence: number | null; detail: string },
    signal: AbortSignal,
    admittedId: string,
  ): Promise<HttpOut> {
    const { approvalId, expires } = newApproval(ctx);
    const sealed = sealAnswer(this.deps.heldAnswerKey, approvalId, JSON.stringify(body));
    const base = this.deps.approvalServiceUrl;
    const stored =
      base !== null &&
      (await storeHeldAnswer(base, approvalId, secretOf(ctx)!, sealed, expires, signal));
    if (!stored) {
      this.settler.settle(ctx, result, {
        reservation: 'commit',
        completion: { ...done, outcome: 'upstream_error', http_status: 503 },
        metric: { outcome: 'upstream_error', step: 'hitl_gate', code: 'approval_unavailable' },
        admittedId,
      });
      const headers = governanceHeaders(ctx, result.governance_ms, done.cost_micro_usd);
      const message = 'The answer is held for review, but the approval service could not store it.';
      return json(503, headers, {
        error: {
          message,
          type: 'approval_unavailable',
          code: 'approval_unavailable',
          param: null,
          step: 'hitl_gate',
          remediation: 'Retry the request later.',
        },
        status: 503,
        request_id: ctx.request_id,
      });
    }
    const { confidence, detail } = held;
    this.settler.settle(ctx, result, {
      reservation: 'commit',
      completion: { ...done, outcome: 'pending_approval', http_status: 202 },
      approval: {
        id: approvalId,
        expires,
        trigger: {
          kind: 'confidence_gate',
          policy_id: null,
          detail,
          ...(confidence !== null ? { confidence } : {}),
        },
      },
      metric: HELD,
      admittedId,
    });
    return this.pending(
      ctx,
      result.governance_ms,
      done.cost_micro_usd,
      approvalId,
      expires,
      detail,
      {
        confidence,
      },
    );
  }

  /**
   * An approved retry of an answer the confidence gate held: the stored answer, once, without
   * a second upstream call (it was billed when held; this request costs nothing).
   */
  private releaseHeld(
    ctx: ChainContext,
    result: ChainResult,
    approvalId: string,
    sealed: string,
  ): HttpOut {
    const answer = openAnswer(this.deps.heldAnswerKey, approvalId, sealed);
    if (answer === null) {
      const what = `the answer held under approval ${approvalId} cannot be read by this gateway`;
      const unreadable = block('approval_denied', 403, what, {
        policy_type: 'require_approval',
        remediation:
          'Every gateway replica needs the same HELD_ANSWER_KEY; send the request again without x-approval-id.',
      });
      return this.refuse(ctx, result, 'hitl_gate', unreadable);
    }
    const body = JSON.parse(answer) as ChatCompletion;
    const model = ctx.pool[0];
    this.settler.settle(ctx, result, {
      reservation: 'release',
      completion: completionOf(ctx, result, 'forwarded', 200, {
        model: model?.id ?? body.model,
        provider: model?.provider ?? null,
      }),
    });
    const headers = governanceHeaders(ctx, result.governance_ms, 0);
    if (ctx.request!.stream === true)
      return {
        status: 200,
        headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8' },
        stream: once(completionAsEvents(body)),
      };
    return {
      status: 200,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
  }

  /** The 202 a held request or answer gets (CONTRACT.md §2). */
  private pending(
    ctx: ChainContext,
    governanceMs: number,
    costMicroUsd: number,
    approvalId: string,
    expires: Date,
    detail: string,
    extra: Record<string, unknown> = {},
  ): HttpOut {
    const headers = {
      ...governanceHeaders(ctx, governanceMs, costMicroUsd),
      'x-approval-id': approvalId,
    };
    return json(202, headers, {
      approval_id: approvalId,
      status: 'pending',
      expires_at: expires.toISOString(),
      poll_url: `/approvals/${approvalId}`,
      request_id: ctx.request_id,
      reason: detail,
      ...extra,
    });
  }

  private async forward(
    ctx: ChainContext,
    result: ChainResult,
    input: HttpIn,
    call: PoolCall,
  ): Promise<HttpOut> {
    const primary = ctx.pool[0]!;
    if (!this.deps.providers.knows(primary.provider)) {
      const what = `Unknown provider '${primary.provider}' in model '${ctx.request!.model}'.`;
      const remediation =
        'Use a catalogue name (gpt-4o) or provider/model with a configured provider.';
      const unknown = block('unknown_model', 400, what, { param: 'model', remediation });
      return this.refuse(ctx, result, 'provider_gate', unknown);
    }
    if (ctx.consume_approval_id) {
      const approvalId = ctx.consume_approval_id;
      const base = this.deps.approvalServiceUrl;
      const consumed = base
        ? await consumeApproval(
            base,
            approvalId,
            secretOf(ctx)!,
            fingerprintOf(ctx.request!),
            ctx.request_id,
            input.signal,
          )
        : {
            ok: false as const,
            code: 'approval_denied',
            message: 'no approval service is configured',
          };
      if (!consumed.ok && consumed.code === 'approval_pending') {
        const remediation = `Poll /approvals/${approvalId} and send the request again once it is approved.`;
        const what = `approval ${approvalId} is still pending review`;
        const pending = block('approval_pending', 409, what, {
          policy_type: 'require_approval',
          remediation,
        });
        return this.refuse(ctx, result, 'hitl_gate', pending);
      }
      if (consumed.ok && consumed.held_answer !== null)
        return this.releaseHeld(ctx, result, approvalId, consumed.held_answer);
      if (!consumed.ok) {
        return this.refuse(
          ctx,
          result,
          'hitl_gate',
          block(
            'approval_denied',
            403,
            `approval ${approvalId} was not granted for this request: ${consumed.message}`,
            {
              policy_type: 'require_approval',
              remediation:
                'Send the request again without x-approval-id to ask for a new approval.',
            },
          ),
        );
      }
    }
    const started = performance.now();
    const admitted = admittedEvent(
      ctx,
      this.source,
      this.deps.replicaId,
      new Date(ctx.now.getTime() + RESERVATION_TTL_MS),
    );
    this.deps.publisher.enqueue(requestsTopic, admitted);
    const admittedId = admitted.id;
    const settings = ctx.policy!.document.settings;
    // The confidence gate judges whole answers: it asks for log-probabilities and buffers streams.
    const gated = confidenceThreshold(settings) !== null;
    const clientLogprobs = ctx.request!.logprobs === true;
    if (gated) ctx.request!.logprobs = true;
    const stream = ctx.request!.stream === true;
    const answer = await call(ctx, this.deps.providers, stream && !gated, input.signal);
    const headers = governanceHeaders(ctx, result.governance_ms, ctx.reserved_micro_usd);
    // Which model and deployment answered (or failed last): docs/routing.md.
    const routed: Headers = {};
    if (answer.model) routed['x-gateway-model'] = answer.model.id;
    if (answer.deployment) routed['x-gateway-deployment'] = answer.deployment;
    Object.assign(headers, routed);
    if (answer.result.kind === 'error') {
      const e = answer.result;
      const status =
        e.status === 503
          ? 503
          : e.status === 504
            ? 504
            : e.status === 429
              ? 429
              : e.status >= 500 || e.status === 401 || e.status === 403
                ? 502
                : e.status;
      const code =
        status === 503
          ? 'provider_unavailable'
          : status === 504
            ? 'upstream_timeout'
            : 'upstream_error';
      this.settler.settle(ctx, result, {
        reservation: 'commit',
        completion: completionOf(ctx, result, 'upstream_error', status, {
          upstream_ms: performance.now() - started,
          model: answer.model?.id ?? null,
          provider: answer.model?.provider ?? null,
        }),
        metric: { outcome: 'upstream_error', code },
        admittedId,
      });
      // The upstream's own words may quote a masked key or its internals: debug log only (scrubbed), never the client.
      if (e.upstream_body !== undefined) {
        const raw = {
          request_id: ctx.request_id,
          upstream_status: e.status,
          upstream_body: e.upstream_body,
        };
        this.deps.logger.debug(raw, 'upstream error body');
      }
      const who = answer.model ? ` '${answer.model.provider}'` : '';
      const message =
        status === 503
          ? e.message
          : `The upstream provider${who} failed (upstream status ${e.status}).`;
      const type = status === 503 ? 'provider_unavailable' : 'upstream_error';
      return json(status, headers, {
        error: { message, type, code, param: null, step: null, remediation: null },
        status,
        upstream_status: e.status,
        request_id: ctx.request_id,
      });
    }
    const model = answer.model!; // an answer that is not an error always names its model
    const patterns = responsePatterns(ctx);
    if (answer.result.kind === 'json') {
      const body = answer.result.body;
      redactCompletion(body, patterns, { region: ctx.policy!.document.settings.pii_phone_region });
      const messages = (body.choices ?? []).map((c) => c.message);
      const checked = await scanAnswer(ctx, messages);
      body.choices?.forEach((c, i) => (c.message = messages[i]!));
      const { usage, estimated } = answerUsage(body, ctx.estimate!.prompt_tokens);
      const cost = costOf(model.entry, usage.prompt_tokens, usage.completion_tokens);
      const upstreamMs = performance.now() - started;
      const withheld = checked?.refusal ?? null;
      const done = completionOf(
        ctx,
        result,
        withheld ? 'refused' : 'forwarded',
        withheld?.block.status ?? 200,
        {
          model: model.id,
          provider: model.provider,
          usage,
          usage_estimated: estimated,
          cost_micro_usd: cost,
          upstream_ms: upstreamMs,
        },
      );
      const judged = gated && !withheld && body.object === 'chat.completion';
      const verdict = judged
        ? judgeConfidence(settings, model.provider !== 'anthropic', body)
        : null;
      if (judged && !clientLogprobs) stripLogprobs(body);
      if (verdict?.kind === 'hold')
        return this.holdAnswer(ctx, result, body, done, verdict, input.signal, admittedId);
      // An output guardrail may have withheld the answer: it was produced, so it is paid for.
      this.settler.settle(ctx, result, {
        reservation: 'commit',
        completion: done,
        ...(withheld ? { violation: withheld } : {}),
        upstream: { model, responseModel: body.model },
        admittedId,
      });
      if (withheld) {
        const { step, block: b } = withheld;
        const headers = governanceHeaders(ctx, result.governance_ms, cost);
        return refusal(b, step, ctx.request_id, ctx.policy, headers);
      }
      const h: Headers = {
        ...governanceHeaders(ctx, result.governance_ms, cost),
        ...routed,
        ...(verdict ? { 'x-gateway-confidence': confidenceHeader(verdict.confidence) } : {}),
      };
      if (stream)
        return {
          status: 200,
          headers: { ...h, 'content-type': 'text/event-stream; charset=utf-8' },
          stream: once(completionAsEvents(body)),
        };
      return {
        status: 200,
        headers: { ...h, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      };
    }
    const grow = (total: number) => ctx.views.budget.grow(ctx.request_id, ctx.budget_limits, total);
    const budget = new StreamBudget(ctx.reserved_micro_usd, grow);
    const chunks = relay(
      ctx,
      answer.result.chunks,
      patterns,
      budget,
      model.entry,
      input.signal,
      (o) =>
        this.settler.settle(ctx, result, {
          reservation: 'commit',
          completion: completionOf(
            ctx,
            result,
            o.cut ? 'cut' : o.error ? 'upstream_error' : 'forwarded',
            200,
            {
              model: model.id,
              provider: model.provider,
              usage: o.usage,
              cost_micro_usd: o.cost_micro_usd,
              upstream_ms: performance.now() - started,
              streamed: true,
            },
          ),
          upstream: { model, failed: o.error !== null },
          metric: { outcome: o.error ? 'upstream_error' : 'allowed' },
          admittedId,
        }),
    );
    return {
      status: 200,
      headers: {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      },
      stream: chunks,
    };
  }
}

/** A new approval's id and expiry (the org's `hitl_timeout_hours` from now). */
function newApproval(ctx: ChainContext): { approvalId: string; expires: Date } {
  const approvalId = `apr_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const hours = ctx.policy!.document.settings.hitl_timeout_hours;
  return { approvalId, expires: new Date(ctx.now.getTime() + hours * 3_600_000) };
}

/** `x-gateway-confidence`: the answer's mean token probability, or `unknown`. */
const confidenceHeader = (c: number | null): string => (c === null ? 'unknown' : c.toFixed(4));

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}
