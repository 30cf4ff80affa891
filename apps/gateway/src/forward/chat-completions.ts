import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { runChain, type ChainContext, type ChainStep } from '@llmgov/chain';
import { gatewayMetrics, tracingEnabled, withGovernanceStep, withSpan } from '@llmgov/telemetry';
import { CHAIN_STEPS } from '../chain/steps';
import type { Forwarder } from './forward';
import type { HeldRequests } from './held-requests';
import type { HttpIn, HttpOut } from './http';
import { refuse } from './refuse';
import { requestContext, type ContextDeps } from './request-context';
import type { Settler } from './settle';
import { callPool, type PoolCall } from './upstream';

/** The chain with a `governance.step` span per step, used only while tracing is on. */
const TRACED_STEPS: readonly ChainStep[] = CHAIN_STEPS.map((step, i) => ({
  id: step.id,
  run: (ctx: ChainContext) =>
    withGovernanceStep(
      { id: step.id, number: i + 1, policyVersion: ctx.policy?.policy_version ?? null },
      () => step.run(ctx),
    ),
}));

/**
 * `POST /v1/chat/completions` (and every API governed as the chat request it translates to):
 * runs the chain, then refuses, holds for approval (202) or forwards.
 */
export class ChatCompletions {
  private sampled = 0;

  constructor(
    private readonly deps: ContextDeps,
    private readonly settler: Settler,
    private readonly held: HeldRequests,
    private readonly forwarder: Forwarder,
  ) {}

  /**
   * `call` reaches the upstream (default: chat completions over the routing pool; embeddings
   * pass their own).
   */
  async chat(input: HttpIn, call: PoolCall = callPool): Promise<HttpOut> {
    if (!tracingEnabled()) return this.governed(input, call);
    // Without an http instrumentation span (in-memory tracing), continue the caller's traceparent.
    const server = trace.getSpan(context.active()) === undefined;
    const parent = server ? propagation.extract(context.active(), input.headers) : context.active();
    return context.with(parent, () =>
      withSpan(
        'gateway.request',
        { 'http.route': '/v1/chat/completions' },
        () => this.governed(input, call),
        { kind: server ? SpanKind.SERVER : SpanKind.INTERNAL },
      ),
    );
  }

  private async governed(input: HttpIn, call: PoolCall): Promise<HttpOut> {
    const ctx = requestContext(this.deps, input, false);
    const result = await runChain(tracingEnabled() ? TRACED_STEPS : CHAIN_STEPS, ctx);
    // Per-step histograms on 1 request in 8: thirteen observations per request cost more than
    // the steps.
    if ((this.sampled++ & 7) === 0)
      for (const t of result.trace) gatewayMetrics.step(t.step, t.duration_ms / 1000);
    gatewayMetrics.chain(result.governance_ms / 1000);
    const outcome = result.outcome;
    switch (outcome.kind) {
      case 'block':
        return refuse(this.settler, ctx, result, outcome.step, outcome.verdict);
      case 'needs_approval': {
        const { trigger, policy_id, detail } = outcome.verdict;
        return this.held.hold(ctx, result, trigger, policy_id, detail);
      }
      case 'forward':
        return this.forwarder.forward(ctx, result, input, call);
      default: {
        const never: never = outcome;
        throw new Error(`unknown outcome ${JSON.stringify(never)}`);
      }
    }
  }
}
