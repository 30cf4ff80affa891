import type { ChainContext, ResolvedModel } from '@llmgov/chain';
import type { ProviderRegistry } from '../providers/provider-registry';
import { envOf } from '../providers/provider-registry';
import type { Provider, UpstreamResult } from '../providers/provider';
import { recordChatOutcome, withChatSpan } from '@llmgov/telemetry';

export type Answer =
  | { result: Exclude<UpstreamResult, { kind: 'error' }>; model: ResolvedModel }
  | { result: Extract<UpstreamResult, { kind: 'error' }>; model: ResolvedModel | null };

/** How a governed request reaches its upstream: `callPool`, or a variant over other provider calls. */
export type PoolCall = (
  ctx: ChainContext,
  providers: Pick<ProviderRegistry, 'get'>,
  stream: boolean,
  signal: AbortSignal,
) => Promise<Answer>;

/**
 * Calls the routing pool in order: a timeout, connection error, 429 or 5xx moves to the
 * next model (request field `fallbacks` or header `x-fallback-models`); any other answer
 * is final. A provider without a key is skipped; when none is left: 503.
 */
export async function callPool(
  ctx: ChainContext,
  providers: Pick<ProviderRegistry, 'get'>,
  stream: boolean,
  signal: AbortSignal,
): Promise<Answer> {
  let last: Answer | null = null;
  for (const model of ctx.pool) {
    const provider = providers.get(model.provider);
    if (!provider) {
      last ??= {
        model,
        result: {
          kind: 'error',
          status: 503,
          retryable: true,
          message: `Provider '${model.provider}' is not configured: set ${envOf(model.provider)}_API_KEY (and optionally ${envOf(model.provider)}_BASE_URL).`,
        },
      };
      continue;
    }
    const result = await withChatSpan(
      {
        provider: model.provider,
        requestModel: model.upstreamModel,
        maxTokens: ctx.request!.max_tokens ?? undefined,
      },
      async (span) => {
        const r = await provider.complete({
          request: { ...ctx.request!, model: model.upstreamModel },
          stream,
          signal,
        });
        if (r.kind === 'json')
          recordChatOutcome(span, {
            responseModel: r.body.model,
            responseId: r.body.id,
            inputTokens: r.body.usage?.prompt_tokens,
            outputTokens: r.body.usage?.completion_tokens,
            finishReasons: r.body.choices.map((c) => c.finish_reason ?? 'unknown'),
          });
        return r;
      },
    );
    if (result.kind !== 'error') return { result, model };
    last = { result, model };
    if (!result.retryable || signal.aborted) break;
  }
  return (
    last ?? {
      model: null,
      result: {
        kind: 'error',
        status: 503,
        retryable: false,
        message: 'No model left in the routing pool.',
      },
    }
  );
}

/** The routing pool over another call of each provider (`wrap`: embeddings, the Responses API). */
export const callPoolVia =
  (wrap: (p: Provider) => Provider, stream?: boolean): PoolCall =>
  (ctx, providers, asked, signal) =>
    callPool(
      ctx,
      {
        get: (name) => {
          const p = providers.get(name);
          return p && wrap(p);
        },
      },
      stream ?? asked,
      signal,
    );
