import { createHash } from 'node:crypto';
import type { RemoteGuardrail } from '@llmgov/policy-schema';
import { BadResponse, callsFor, type RemoteHit } from './kinds';

/** Why a guardrail gave no answer (its `on_error` decides what the request gets). */
export type RemoteError = 'timeout' | 'unavailable' | 'bad_response' | 'missing_secret';

export interface RemoteResult {
  guardrail: RemoteGuardrail;
  hits: RemoteHit[];
  /** Webhook replacement texts, by index of the texts sent. */
  texts: (string | null)[] | null;
  error: RemoteError | null;
}

/**
 * The environment variable holding a guardrail's credential: `GUARDRAIL_SECRET_<auth_secret>`.
 * The prefix keeps an org admin from naming any other variable of the gateway (a provider
 * key, the database URL) and having it sent to a URL of their choice.
 */
export const secretEnvName = (authSecret: string): string => `GUARDRAIL_SECRET_${authSecret}`;

/** Where credentials are looked up by variable name (the gateway's environment; tests swap it). */
let secrets: (name: string) => string | undefined = (name) => process.env[name];
export function setSecretSource(source: (name: string) => string | undefined): void {
  secrets = source;
}

interface Cached {
  at: number;
  /** The service's answer as received (read again with the guardrail's current mapping). */
  json: unknown;
}
/** Answers by hash of the service called and one call's body (bounded; oldest out first). */
const cache = new Map<string, Cached>();
const CACHE_MAX = 10_000;

export function clearRemoteCache(): void {
  cache.clear();
}

function keyOf(g: RemoteGuardrail, direction: string, body: unknown): string {
  return createHash('sha256')
    .update(
      JSON.stringify([g.kind, g.url, g.model ?? null, g.auth_secret ?? null, direction, body]),
    )
    .digest('hex');
}

/** POSTs one call with the guardrail's timeout; a non-2xx, a non-JSON body or a timeout is an error. */
async function post(
  g: RemoteGuardrail,
  body: unknown,
  secret: string | null,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const timeout = AbortSignal.timeout(g.timeout_ms);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret) headers.authorization = `Bearer ${secret}`;
  const res = await fetch(g.url, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    redirect: 'error',
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`status ${res.status}`);
  }
  try {
    return await res.json();
  } catch {
    throw new BadResponse('not JSON');
  }
}

const errorOf = (e: unknown): RemoteError => {
  if (e instanceof BadResponse) return 'bad_response';
  const name = (e as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unavailable';
};

/**
 * Runs one guardrail over `texts`: its calls in parallel, each answered from the cache
 * while fresh, each bounded by `timeout_ms` and the request's `signal` (its deadline). Never throws: a failure is `error` (the message, which may quote the
 * service, is not kept).
 */
export async function runGuardrail(
  g: RemoteGuardrail,
  texts: readonly string[],
  direction: 'input' | 'output',
  prompt: string,
  signal?: AbortSignal,
  now: () => number = Date.now,
): Promise<RemoteResult> {
  const result: RemoteResult = { guardrail: g, hits: [], texts: null, error: null };
  if (texts.length === 0) return result;
  let secret: string | null = null;
  if (g.auth_secret) {
    secret = secrets(secretEnvName(g.auth_secret)) ?? null;
    if (!secret) return { ...result, error: 'missing_secret' };
  }
  try {
    const calls = callsFor(g, texts, direction, prompt);
    const answers = await Promise.all(
      calls.map(async (call) => {
        const key = keyOf(g, direction, call.body);
        const hit = cache.get(key);
        if (hit && now() - hit.at < g.cache_ttl_s * 1000)
          return { call, answer: call.read(hit.json) };
        const json = await post(g, call.body, secret, signal);
        const answer = call.read(json);
        if (g.cache_ttl_s > 0) {
          if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
          cache.set(key, { at: now(), json });
        }
        return { call, answer };
      }),
    );
    for (const { call, answer } of answers) {
      result.hits.push(...answer.hits);
      if (answer.texts) {
        result.texts ??= texts.map(() => null);
        call.indexes.forEach((i, k) => (result.texts![i] = answer.texts![k] ?? null));
      }
    }
    return result;
  } catch (e) {
    return { ...result, hits: [], texts: null, error: errorOf(e) };
  }
}
