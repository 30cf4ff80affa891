import { randomUUID } from 'node:crypto';
import { newContext, type ChainContext } from '@llmgov/chain';
import type { Clock } from '@llmgov/service-kit';
import { authenticateStep } from '../chain/steps/authenticate.step';
import type { GatewayViews } from '../views/gateway-views';
import type { HttpIn } from './http';

/** What a request's chain context is built from. */
export interface ContextDeps {
  views: GatewayViews;
  clock: Clock;
}

const newRequestId = (): string => `req_${randomUUID().replace(/-/g, '')}`;

/** A new request's chain context; a `dryRun` one counts and reserves nothing. */
export function requestContext(deps: ContextDeps, input: HttpIn, dryRun: boolean): ChainContext {
  return newContext({
    request_id: newRequestId(),
    now: deps.clock.now(),
    headers: input.headers,
    raw_body: input.body,
    body_size: input.declaredSize,
    views: deps.views,
    dry_run: dryRun,
    signal: input.signal,
  });
}

/**
 * The caller's plan body limit, from the key alone (no counting), so the adapter can refuse
 * an oversized body by its Content-Length before reading it. Null when the key is unknown.
 */
export function bodyLimitFor(deps: ContextDeps, headers: HttpIn['headers']): number | null {
  const ctx = newContext({
    request_id: '',
    now: deps.clock.now(),
    headers,
    raw_body: null,
    views: deps.views,
    dry_run: true,
  });
  return authenticateStep.run(ctx).kind === 'allow'
    ? ctx.policy!.document.settings.body_size_limit_bytes
    : null;
}
