import { requestsTopic } from '@llmgov/events';
import type { ChainContext, ChainResult } from '@llmgov/chain';
import type { EventPublisher } from '../events/event-publisher';
import { RESERVATION_TTL_MS } from '../views/book-budget-gate';
import { admittedEvent, gatewaySource } from './request-events';

/** A request on its way to the upstream: what its answer and its settlement need. */
export interface Admission {
  ctx: ChainContext;
  result: ChainResult;
  /** Its queued `request.admitted` event, withdrawn at settlement when not sent yet. */
  admittedId: string;
  /** `performance.now()` at admission: the upstream latency starts here. */
  started: number;
}

/**
 * Admits a request: queues its `request.admitted` (peers and the ledger count its reservation
 * until it completes; the reservation expires after `RESERVATION_TTL_MS`).
 */
export function admit(
  publisher: EventPublisher,
  replicaId: string,
  ctx: ChainContext,
  result: ChainResult,
): Admission {
  const started = performance.now();
  const expires = new Date(ctx.now.getTime() + RESERVATION_TTL_MS);
  const admitted = admittedEvent(ctx, gatewaySource(replicaId), replicaId, expires);
  publisher.enqueue(requestsTopic, admitted);
  return { ctx, result, admittedId: admitted.id, started };
}
