import { block, type ChainContext, type ChainResult, type ResolvedModel } from '@llmgov/chain';
import type { PiiPattern } from '@llmgov/policy-schema';
import type { Logger } from '@llmgov/telemetry';
import { costOf } from '../chain/cost';
import { scanAnswer } from '../chain/detectors/remote/apply';
import type { EventPublisher } from '../events/event-publisher';
import type { ChatChunk, ChatCompletion } from '../providers/provider';
import type { ProviderRegistry } from '../providers/provider-registry';
import { admit, type Admission } from './admission';
import { answerUsage } from './answer-usage';
import { completionAnswer } from './completion-answer';
import { confidenceThreshold, judgeConfidence, stripLogprobs } from './confidence';
import { governanceHeaders } from './governance-headers';
import type { HeldRequests } from './held-requests';
import { refusal, type Headers, type HttpIn, type HttpOut } from './http';
import { refuse } from './refuse';
import { redactCompletion, responsePatterns } from './response-scan';
import { completionOf, type Settler } from './settle';
import { relay } from './sse-response';
import { StreamBudget } from './stream-budget';
import { upstreamError } from './upstream-error';
import type { PoolCall } from './upstream';

/** What forwarding needs from the gateway. */
export interface ForwardDeps {
  providers: ProviderRegistry;
  publisher: EventPublisher;
  replicaId: string;
  logger: Logger;
}

/** How the confidence gate takes part in a request (it judges whole answers). */
interface Gate {
  gated: boolean;
  /** The client asked for log-probabilities itself (the gate asks for them anyway). */
  clientLogprobs: boolean;
  stream: boolean;
}

/**
 * A request the chain lets through: an approved retry is consumed, the request admitted and
 * sent over its routing pool; the answer is scanned, priced, judged by the confidence gate
 * and settled — whole, or event by event when streamed.
 */
export class Forwarder {
  constructor(
    private readonly deps: ForwardDeps,
    private readonly settler: Settler,
    private readonly held: HeldRequests,
  ) {}

  async forward(
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
      return refuse(this.settler, ctx, result, 'provider_gate', unknown);
    }
    const approved = await this.held.consume(ctx, result, input.signal);
    if (approved) return approved;
    const a = admit(this.deps.publisher, this.deps.replicaId, ctx, result);
    // The confidence gate judges whole answers: it asks for log-probabilities and buffers streams.
    const gate: Gate = {
      gated: confidenceThreshold(ctx.policy!.document.settings) !== null,
      clientLogprobs: ctx.request!.logprobs === true,
      stream: ctx.request!.stream === true,
    };
    if (gate.gated) ctx.request!.logprobs = true;
    const streamed = gate.stream && !gate.gated;
    const answer = await call(ctx, this.deps.providers, streamed, input.signal);
    const headers = governanceHeaders(ctx, result.governance_ms, ctx.reserved_micro_usd);
    // Which model and deployment answered (or failed last): docs/routing.md.
    const routed: Headers = {};
    if (answer.model) routed['x-gateway-model'] = answer.model.id;
    if (answer.deployment) routed['x-gateway-deployment'] = answer.deployment;
    Object.assign(headers, routed);
    if (answer.result.kind === 'error')
      return upstreamError(this.settler, this.deps.logger, a, answer.result, answer.model, headers);
    const model = answer.model!; // an answer that is not an error always names its model
    const patterns = responsePatterns(ctx);
    if (answer.result.kind === 'json')
      return this.whole(a, model, answer.result.body, patterns, routed, gate, input.signal);
    return this.stream(a, model, answer.result.chunks, patterns, headers, input.signal);
  }

  /** A whole answer: redacted, scanned, priced, judged, settled. */
  private async whole(
    a: Admission,
    model: ResolvedModel,
    body: ChatCompletion,
    patterns: ReadonlySet<PiiPattern>,
    routed: Headers,
    gate: Gate,
    signal: AbortSignal,
  ): Promise<HttpOut> {
    const { ctx, result } = a;
    const settings = ctx.policy!.document.settings;
    redactCompletion(body, patterns, { region: settings.pii_phone_region });
    const messages = (body.choices ?? []).map((c) => c.message);
    const checked = await scanAnswer(ctx, messages);
    body.choices?.forEach((c, i) => (c.message = messages[i]!));
    const { usage, estimated } = answerUsage(body, ctx.estimate!.prompt_tokens);
    const cost = costOf(model.entry, usage.prompt_tokens, usage.completion_tokens);
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
        upstream_ms: performance.now() - a.started,
      },
    );
    const judged = gate.gated && !withheld && body.object === 'chat.completion';
    const verdict = judged ? judgeConfidence(settings, model.provider !== 'anthropic', body) : null;
    if (judged && !gate.clientLogprobs) stripLogprobs(body);
    if (verdict?.kind === 'hold') return this.held.holdAnswer(a, body, done, verdict, signal);
    // An output guardrail may have withheld the answer: it was produced, so it is paid for.
    this.settler.settle(ctx, result, {
      reservation: 'commit',
      completion: done,
      ...(withheld ? { violation: withheld } : {}),
      upstream: { model, responseModel: body.model },
      admittedId: a.admittedId,
    });
    if (withheld) {
      const { step, block: b } = withheld;
      const headers = governanceHeaders(ctx, result.governance_ms, cost);
      return refusal(b, step, ctx.request_id, ctx.policy, headers);
    }
    const headers: Headers = {
      ...governanceHeaders(ctx, result.governance_ms, cost),
      ...routed,
      ...(verdict ? { 'x-gateway-confidence': confidenceHeader(verdict.confidence) } : {}),
    };
    return completionAnswer(body, headers, gate.stream);
  }

  /** A streamed answer: relayed event by event within the budget, settled when it ends. */
  private stream(
    a: Admission,
    model: ResolvedModel,
    chunks: AsyncIterable<ChatChunk[]>,
    patterns: ReadonlySet<PiiPattern>,
    headers: Headers,
    signal: AbortSignal,
  ): HttpOut {
    const { ctx, result } = a;
    const grow = (total: number) => ctx.views.budget.grow(ctx.request_id, ctx.budget_limits, total);
    const budget = new StreamBudget(ctx.reserved_micro_usd, grow);
    const events = relay(ctx, chunks, patterns, budget, model.entry, signal, (o) =>
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
            upstream_ms: performance.now() - a.started,
            streamed: true,
          },
        ),
        upstream: { model, failed: Boolean(o.error) },
        metric: { outcome: o.error ? 'upstream_error' : 'allowed' },
        admittedId: a.admittedId,
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
      stream: events,
    };
  }
}

/** `x-gateway-confidence`: the answer's mean token probability, or `unknown`. */
const confidenceHeader = (c: number | null): string => (c === null ? 'unknown' : c.toFixed(4));
