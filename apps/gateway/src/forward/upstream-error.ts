import type { ResolvedModel } from '@llmgov/chain';
import type { Logger } from '@llmgov/telemetry';
import type { UpstreamResult } from '../providers/provider';
import type { Admission } from './admission';
import { json, type Headers, type HttpOut } from './http';
import { completionOf, type Settler } from './settle';

type Failure = Extract<UpstreamResult, { kind: 'error' }>;

/** The status the client gets for an upstream's: 5xx and its auth errors are the gateway's 502. */
function statusOf(e: Failure): number {
  if (e.status === 503 || e.status === 504 || e.status === 429) return e.status;
  return e.status >= 500 || e.status === 401 || e.status === 403 ? 502 : e.status;
}

/**
 * The upstream failed (fallbacks included): settled at no cost, answered with the status the
 * upstream's maps to. The upstream's own body is logged at debug level only, never returned.
 */
export function upstreamError(
  settler: Settler,
  logger: Logger,
  a: Admission,
  e: Failure,
  /** The model that failed last (null: none was called). */
  model: ResolvedModel | null,
  headers: Headers,
): HttpOut {
  const { ctx, result } = a;
  const status = statusOf(e);
  const code =
    status === 503
      ? 'provider_unavailable'
      : status === 504
        ? 'upstream_timeout'
        : 'upstream_error';
  settler.settle(ctx, result, {
    reservation: 'commit',
    completion: completionOf(ctx, result, 'upstream_error', status, {
      upstream_ms: performance.now() - a.started,
      model: model?.id ?? null,
      provider: model?.provider ?? null,
    }),
    metric: { outcome: 'upstream_error', code },
    admittedId: a.admittedId,
  });
  // The upstream's own words may quote a masked key or its internals: debug log only (scrubbed).
  if (e.upstream_body !== undefined) {
    const raw = {
      request_id: ctx.request_id,
      upstream_status: e.status,
      upstream_body: e.upstream_body,
    };
    logger.debug(raw, 'upstream error body');
  }
  const who = model ? ` '${model.provider}'` : '';
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
