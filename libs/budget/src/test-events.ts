import type { BudgetPrincipal } from './budget-limit';
import type { RequestAdmittedEvent, RequestCompletedEvent } from './reservation-book';
import { principal as defaultPrincipal } from './test-documents';

const iso = (d: Date) => d.toISOString();

/** A `request.admitted` event as a gateway replica publishes it (test and bench builder). */
export function admittedEvent(
  request_id: string,
  reserved_micro_usd: number,
  replica_id: string,
  at: Date,
  p: BudgetPrincipal = defaultPrincipal(),
  ttl_ms = 60_000,
): RequestAdmittedEvent {
  return {
    id: `evt_a_${request_id}`,
    type: 'request.admitted',
    source: `gateway/${replica_id}`,
    time: iso(at),
    subject: request_id,
    data: {
      request_id,
      ...p,
      environment: null,
      model: 'gpt-4o',
      provider: 'openai',
      tags: ['tag_a'],
      reserved_micro_usd,
      reservation_expires_at: iso(new Date(at.getTime() + ttl_ms)),
      replica_id,
      admitted_at: iso(at),
    },
  };
}

/** A `request.completed` event (forwarded, settled at `cost_micro_usd`) for tests. */
export function completedEvent(
  request_id: string,
  cost_micro_usd: number,
  replica_id: string,
  at: Date,
  p: BudgetPrincipal = defaultPrincipal(),
  reserved_micro_usd = cost_micro_usd,
): RequestCompletedEvent {
  return {
    id: `evt_c_${request_id}`,
    type: 'request.completed',
    source: `gateway/${replica_id}`,
    time: iso(at),
    subject: request_id,
    data: {
      request_id,
      ...p,
      environment: null,
      model: 'gpt-4o',
      provider: 'openai',
      outcome: 'forwarded',
      http_status: 200,
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      cost_micro_usd,
      reserved_micro_usd,
      tags: ['tag_a'],
      streamed: false,
      policy_id: null,
      policy_version: 1,
      decision: [],
      governance_ms: 1,
      upstream_ms: 1,
      replica_id,
      started_at: iso(at),
      completed_at: iso(at),
    },
  };
}
