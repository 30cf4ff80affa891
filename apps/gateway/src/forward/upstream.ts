import type { ChainContext, ResolvedModel } from '@llmgov/chain';
import { resolveModel } from '@llmgov/policy-schema';
import type { ProviderRegistry } from '../providers/provider-registry';
import { envOf } from '../providers/provider-registry';
import type { Provider, UpstreamResult } from '../providers/provider';
import { recordChatOutcome, withChatSpan } from '@llmgov/telemetry';
import { callDeployments } from '../routing/call-deployments';
import { routeOf } from '../routing/order-deployments';

export type Answer =
  | {
      result: Exclude<UpstreamResult, { kind: 'error' }>;
      model: ResolvedModel;
      /** The deployment that answered, when the model is routed over `model_deployments`. */
      deployment?: string;
    }
  | {
      result: Extract<UpstreamResult, { kind: 'error' }>;
      model: ResolvedModel | null;
      deployment?: string;
    };

/** What the pool calls providers through: by name, and per deployment of `model_deployments`. */
export type PoolProviders = Pick<ProviderRegistry, 'get'> &
  Partial<Pick<ProviderRegistry, 'forDeployment' | 'deploymentHealth'>>;

/** How a governed request reaches its upstream: `callPool`, or a variant over other provider calls. */
export type PoolCall = (
  ctx: ChainContext,
  providers: PoolProviders,
  stream: boolean,
  signal: AbortSignal,
) => Promise<Answer>;

/**
 * Calls the routing pool in order: a timeout, connection error, 429 or 5xx moves to the
 * next model (request field `fallbacks` or header `x-fallback-models`); any other answer
 * is final. A provider without a key is skipped; when none is left: 503. A model the org
 * spreads over deployments (`model_deployments`) is called through them (docs/routing.md).
 */
export async function callPool(
  ctx: ChainContext,
  providers: PoolProviders,
  stream: boolean,
  signal: AbortSignal,
): Promise<Answer> {
  let last: Answer | null = null;
  const routes = ctx.policy?.document.settings.model_deployments;
  for (const model of ctx.pool) {
    const route = routeOf(routes, model.id, resolveModel);
    if (route && providers.forDeployment && providers.deploymentHealth) {
      const answer = await callDeployments(
        { ctx, model, route, stream, signal },
        {
          providerOf: (d) => providers.forDeployment!(d),
          health: providers.deploymentHealth,
          call: (provider, upstreamModel) =>
            callModel(ctx, provider, model, upstreamModel, stream, signal),
        },
      );
      const { result, deployment } = answer;
      if (result.kind !== 'error') return { result, model, deployment };
      last = { result, model, deployment };
      if (!result.retryable || signal.aborted) break;
      continue;
    }
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
    const result = await callModel(ctx, provider, model, model.upstreamModel, stream, signal);
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

/** One provider call, in a GenAI span. */
function callModel(
  ctx: ChainContext,
  provider: Provider,
  model: ResolvedModel,
  upstreamModel: string,
  stream: boolean,
  signal: AbortSignal,
): Promise<UpstreamResult> {
  return withChatSpan(
    {
      provider: model.provider,
      requestModel: upstreamModel,
      maxTokens: ctx.request!.max_tokens ?? undefined,
    },
    async (span) => {
      const r = await provider.complete({
        request: { ...ctx.request!, model: upstreamModel },
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
}

/** The routing pool over another call of each provider (`wrap`: embeddings, the Responses API), deployments included. */
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
        forDeployment: providers.forDeployment
          ? (d) => {
              const p = providers.forDeployment!(d);
              return p && wrap(p);
            }
          : undefined,
        deploymentHealth: providers.deploymentHealth,
      },
      stream ?? asked,
      signal,
    );
