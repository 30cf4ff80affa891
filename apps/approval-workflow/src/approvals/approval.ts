import type { Actor, EventOf, approvalsTopic } from '@llmgov/events';

export type ApprovalEvent = EventOf<typeof approvalsTopic>;
export type ApprovalRequestedData = Extract<ApprovalEvent, { type: 'approval.requested' }>['data'];
export type ApprovalStatus = 'pending' | 'granted' | 'rejected' | 'expired' | 'consumed';

/** One HITL approval, folded from its stream. Wire spelling (snake_case), as answered by the API. */
export interface Approval extends ApprovalRequestedData {
  status: ApprovalStatus;
  decided_by: Actor | null;
  reason: string | null;
  decided_at: string | null;
  expired_at: string | null;
  consumed_at: string | null;
  consumed_request_id: string | null;
}

/** Folds one event into the approval. A stream always starts with `approval.requested`. */
export function evolve(state: Approval | null, event: ApprovalEvent): Approval {
  switch (event.type) {
    case 'approval.requested':
      return {
        ...event.data,
        status: 'pending',
        decided_by: null,
        reason: null,
        decided_at: null,
        expired_at: null,
        consumed_at: null,
        consumed_request_id: null,
      };
    case 'approval.granted':
    case 'approval.rejected':
      return {
        ...required(state, event.type),
        status: event.type === 'approval.granted' ? 'granted' : 'rejected',
        decided_by: event.data.reviewer,
        reason: event.data.reason,
        decided_at: event.data.decided_at,
      };
    case 'approval.expired':
      return {
        ...required(state, event.type),
        status: 'expired',
        expired_at: event.data.expired_at,
      };
    case 'approval.consumed':
      return {
        ...required(state, event.type),
        status: 'consumed',
        consumed_at: event.data.consumed_at,
        consumed_request_id: event.data.request_id,
      };
    default: {
      const never: never = event;
      throw new Error(`unhandled approval event ${(never as { type: string }).type}`);
    }
  }
}

function required(state: Approval | null, type: string): Approval {
  if (!state) throw new Error(`${type} before approval.requested`);
  return state;
}

/** Folds a whole stream. */
export const fold = (events: readonly ApprovalEvent[]): Approval | null =>
  events.reduce<Approval | null>(evolve, null);
