import type { Actor } from '@llmgov/events';
import {
  accept,
  refuse as refuseWith,
  type Decision as EsDecision,
  type Refusal as EsRefusal,
} from '@llmgov/eventstore';
import type { Approval, ApprovalEvent } from './approval';

/** What every command carries so the decider stays pure: the new event's id, its source and the time. */
export interface CommandMeta {
  event_id: string;
  source: string;
  now: Date;
}

export type ApprovalCommand =
  | { type: 'Approve'; reviewer: Actor; reason: string | null; requesters: readonly Actor[] }
  | { type: 'Reject'; reviewer: Actor; reason: string }
  | { type: 'Expire' }
  | { type: 'Consume'; org_id: string; key_id: string; fingerprint: string; request_id: string };

/** Why a command was refused; the handler maps `kind` to a domain error (and HTTP status). */
export type ApprovalRefusalKind = 'not_found' | 'conflict' | 'forbidden' | 'pending' | 'denied';
export type Refusal = EsRefusal<ApprovalRefusalKind>;

/** The eventstore's one decision shape, with the approvals' refusal kinds. */
export type Decision = EsDecision<ApprovalEvent, undefined, ApprovalRefusalKind>;

const refuse = (kind: ApprovalRefusalKind, code: string, message: string): Decision =>
  refuseWith(kind, code, message);
const isPastDeadline = (approval: Approval, now: Date) =>
  now.getTime() >= Date.parse(approval.expires_at);

/**
 * Decides a command against an approval's current state (Emmett-style decider: state in,
 * events or a refusal out; no I/O). An unswept pending approval past its deadline counts
 * as expired, so correctness never depends on when the sweeper last ran.
 */
export function decide(
  state: Approval | null,
  command: ApprovalCommand,
  meta: CommandMeta,
): Decision {
  if (!state) return refuse('not_found', 'not_found', 'Approval not found');
  const base = {
    id: meta.event_id,
    source: meta.source,
    time: meta.now.toISOString(),
    subject: state.approval_id,
  };
  switch (command.type) {
    case 'Approve':
    case 'Reject': {
      if (state.status !== 'pending') {
        return refuse('conflict', 'approval_not_pending', `Approval is already ${state.status}`);
      }
      if (isPastDeadline(state, meta.now))
        return refuse('conflict', 'approval_expired', `Approval expired at ${state.expires_at}`);
      if (
        command.type === 'Approve' &&
        isSelfApproval(state, command.reviewer, command.requesters)
      ) {
        return refuse(
          'forbidden',
          'self_approval',
          'A reviewer cannot approve a request made with their own key',
        );
      }
      const data = {
        approval_id: state.approval_id,
        org_id: state.org_id,
        reviewer: command.reviewer,
        reason: command.reason,
        decided_at: base.time,
      };
      return accept([
        command.type === 'Approve'
          ? { ...base, type: 'approval.granted', data }
          : { ...base, type: 'approval.rejected', data },
      ]);
    }
    case 'Expire':
      if (state.status !== 'pending' || !isPastDeadline(state, meta.now)) return accept([]);
      return accept([
        {
          ...base,
          type: 'approval.expired',
          data: { approval_id: state.approval_id, org_id: state.org_id, expired_at: base.time },
        },
      ]);
    case 'Consume':
      return decideConsume(state, command, base);
    default: {
      const never: never = command;
      throw new Error(`unhandled approval command ${(never as { type: string }).type}`);
    }
  }
}

function decideConsume(
  state: Approval,
  command: Extract<ApprovalCommand, { type: 'Consume' }>,
  base: { id: string; source: string; time: string; subject: string },
): Decision {
  // Binding first: another org's or key's caller learns nothing about the approval's state.
  if (state.org_id !== command.org_id || state.key_id !== command.key_id) {
    return refuse('denied', 'approval_denied', 'Approval was not issued to this key');
  }
  const expired = isPastDeadline(state, new Date(base.time));
  switch (state.status) {
    case 'pending':
      return expired
        ? refuse('denied', 'approval_denied', 'Approval expired before a reviewer decided')
        : refuse('pending', 'approval_pending', 'Approval is still pending review');
    case 'rejected':
      return refuse(
        'denied',
        'approval_denied',
        `Approval was rejected${state.reason ? `: ${state.reason}` : ''}`,
      );
    case 'expired':
      return refuse('denied', 'approval_denied', 'Approval expired before a reviewer decided');
    case 'consumed':
      return refuse('denied', 'approval_denied', 'Approval was already used by another request');
    case 'granted':
      if (expired)
        return refuse(
          'denied',
          'approval_denied',
          'Approval expired before the request was retried',
        );
      if (state.fingerprint !== command.fingerprint)
        return refuse(
          'denied',
          'approval_denied',
          'Request differs from the one approved (fingerprint mismatch)',
        );
      return accept([
        {
          ...base,
          type: 'approval.consumed',
          data: {
            approval_id: state.approval_id,
            org_id: state.org_id,
            request_id: command.request_id,
            consumed_at: base.time,
          },
        },
      ]);
    default: {
      const never: never = state.status;
      throw new Error(`unhandled approval status ${String(never)}`);
    }
  }
}

/**
 * A reviewer may not approve a request made with their own key. Admin keys and gateway keys
 * are distinct, so "their own key" means: the reviewer is that key (same id), or the reviewer
 * issued the gateway key (`requesters`: the actor recorded in its `key.created`). JWT
 * reviewers are matched by `sub`: a gateway key issued by a JWT principal records that `sub`.
 */
export function isSelfApproval(
  state: Approval,
  reviewer: Actor,
  requesters: readonly Actor[],
): boolean {
  if (reviewer.id === state.key_id) return true;
  return requesters.some((r) => r.id === reviewer.id);
}
