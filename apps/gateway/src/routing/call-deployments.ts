import type { ChainContext, ResolvedModel } from '@llmgov/chain';
import type { ModelDeployment, ModelRoute } from '@llmgov/policy-schema';
import type { Provider, UpstreamResult } from '../providers/provider';
import type { DeploymentHealth } from './deployment-health';
import { attemptsOf, orderDeployments } from './order-deployments';

type ErrorResult = Extract<UpstreamResult, { kind: 'error' }>;

export interface DeploymentCall {
  ctx: ChainContext;
  model: ResolvedModel;
  route: ModelRoute;
  stream: boolean;
  /** Aborted at the request's deadline or when the client goes: no retry after it. */
  signal: AbortSignal;
}

export interface DeploymentDeps {
  providerOf: (d: ModelDeployment) => Provider | undefined;
  health: DeploymentHealth;
  call: (provider: Provider, upstreamModel: string) => Promise<UpstreamResult>;
  now?: () => number;
  random?: () => number;
}

export interface DeploymentAnswer {
  result: UpstreamResult;
  model: ResolvedModel;
  deployment?: string;
}

/**
 * One model over its deployments (docs/routing.md): tries them in `orderDeployments` order,
 * up to `max_attempts`; a 429, 5xx, timeout or refused connection puts the deployment in
 * cooldown and moves on after a backoff (100 ms, doubled per retry), never past the request's
 * deadline (the signal); any other answer is final. The answer names its deployment.
 */
export async function callDeployments(
  call: DeploymentCall,
  deps: DeploymentDeps,
): Promise<DeploymentAnswer> {
  const { ctx, model, route, signal } = call;
  const now = deps.now ?? Date.now;
  const keyOf = (d: ModelDeployment) => `${ctx.principal!.org_id}|${model.id}|${d.id}`;
  const ordered = orderDeployments(route, deps.health, keyOf, now(), deps.random ?? Math.random);
  const cooldownMs = (route.cooldown_s ?? 30) * 1000;
  const backoffMs = route.retry_backoff_ms ?? 100;
  let last: DeploymentAnswer | null = null;
  let tries = 0;
  for (const d of attemptsOf(route, ordered)) {
    if (signal.aborted) break;
    if (tries > 0 && !(await pause(backoffMs * 2 ** (tries - 1), signal))) break;
    tries++;
    const provider = deps.providerOf(d);
    if (!provider) {
      last = {
        model,
        deployment: d.id,
        result: unavailable(
          `Deployment '${d.id}' has no key here: set DEPLOYMENT_KEY_${d.key_name}.`,
        ),
      };
      continue;
    }
    const key = keyOf(d);
    deps.health.begin(key);
    let result: UpstreamResult;
    try {
      result = await deps.call(provider, d.model ?? model.upstreamModel);
    } catch (error) {
      deps.health.end(key);
      throw error;
    }
    if (result.kind === 'error') {
      deps.health.end(key);
      if (result.retryable && !signal.aborted) deps.health.failed(key, now(), cooldownMs);
      last = { result, model, deployment: d.id };
      if (!result.retryable) break;
      continue;
    }
    deps.health.succeeded(key);
    if (result.kind === 'stream')
      return { model, deployment: d.id, result: ended(result, () => deps.health.end(key)) };
    deps.health.end(key);
    return { result, model, deployment: d.id };
  }
  return last ?? { model, result: unavailable(`No deployment of '${model.id}' could be tried.`) };
}

const unavailable = (message: string): ErrorResult => ({
  kind: 'error',
  status: 503,
  retryable: true,
  message,
});

/** Waits `ms` unless the signal aborts first (then false). */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal.aborted);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The stream, calling `end` once when it is finished, failed or abandoned. */
function ended(
  result: Extract<UpstreamResult, { kind: 'stream' }>,
  end: () => void,
): UpstreamResult {
  const source = result.chunks;
  return {
    kind: 'stream',
    chunks: (async function* () {
      try {
        yield* source;
      } finally {
        end();
      }
    })(),
  };
}
