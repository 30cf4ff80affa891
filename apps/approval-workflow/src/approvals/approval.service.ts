import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  NotFoundError,
  actorOf,
  orgScope,
  refusalError,
  type AdminPrincipal,
  type Clock,
  type KeyRecord,
} from '@llmgov/service-kit';
import type { Approval, ApprovalEvent, ApprovalStatus } from './approval';
import { decide, type ApprovalCommand, type Decision, type Refusal } from './approval.decide';
import type { ApprovalRepository } from './approval.repository';
import type { ApprovalWaiters } from './approval-waiters';
import type { KeyIssuers } from './key-issuers';
import type { HeldAnswers } from './held-answers';

export const SOURCE = '/approval-workflow';

/** The approval use cases: parse has happened (controllers), here command → decide → persist. */
export class ApprovalService {
  constructor(
    private readonly repository: ApprovalRepository,
    private readonly clock: Clock,
    private readonly waiters: ApprovalWaiters,
    private readonly issuers: KeyIssuers,
    private readonly held: HeldAnswers,
  ) {}

  list(
    principal: AdminPrincipal,
    query: {
      org_id?: string;
      status?: ApprovalStatus;
      agent_id?: string;
      cursor?: string;
      limit: number;
    },
  ) {
    // The platform owner may list every org; an org admin naming another org gets 404 (orgScope).
    const org_id = principal.platform_owner
      ? (query.org_id ?? null)
      : orgScope(principal, query.org_id);
    return this.repository.list({ ...query, org_id });
  }

  /** One approval; with `waitMs`, answers as soon as it leaves `pending` or when the wait ends. */
  async get(principal: AdminPrincipal, approvalId: string, waitMs = 0): Promise<Approval> {
    const read = async () => visible(principal, await this.repository.get(approvalId));
    const approval = waitMs > 0 ? await this.waiters.until(approvalId, waitMs, read) : await read();
    if (!approval) throw new NotFoundError('Approval not found');
    return approval;
  }

  approve(principal: AdminPrincipal, approvalId: string, reason: string | null): Promise<Approval> {
    const reviewer = actorOf(principal);
    return this.decideAsAdmin(principal, approvalId, (state) => ({
      type: 'Approve',
      reviewer,
      reason,
      requesters: state ? this.issuers.of(state.key_id) : [],
    }));
  }

  /** A rejection also deletes the answer the confidence gate held under the approval. */
  async reject(principal: AdminPrincipal, approvalId: string, reason: string): Promise<Approval> {
    const rejected = await this.decideAsAdmin(principal, approvalId, () => ({
      type: 'Reject',
      reviewer: actorOf(principal),
      reason,
    }));
    await this.held.drop(approvalId);
    return rejected;
  }

  /** The gateway's confidence gate stores the answer it held (sealed), bound to the caller's key. */
  async holdAnswer(
    key: KeyRecord,
    approvalId: string,
    body: { sealed: string; expires_at: string },
  ): Promise<void> {
    await this.held.put({
      approval_id: approvalId,
      org_id: key.org_id ?? '',
      key_id: key.key_id,
      sealed: body.sealed,
      expires_at: new Date(body.expires_at),
    });
  }

  /**
   * The gateway's retry: single use, bound to the org, key and request fingerprint. Answers
   * the approval and, when the confidence gate held an answer under it, that answer (sealed),
   * deleted as it is returned.
   */
  async consume(
    key: KeyRecord,
    approvalId: string,
    body: { fingerprint: string; request_id: string },
  ): Promise<{ approval: Approval; held_answer: string | null }> {
    const now = this.clock.now();
    const command: ApprovalCommand = {
      type: 'Consume',
      org_id: key.org_id ?? '',
      key_id: key.key_id,
      ...body,
    };
    const decision = await this.repository.consume(
      approvalId,
      { org_id: command.org_id, key_id: key.key_id, fingerprint: body.fingerprint, now },
      (state) => decide(state, command, this.meta(now)),
    );
    const approval = await this.outcome(approvalId, decision);
    return { approval, held_answer: await this.held.take(approvalId, key.key_id) };
  }

  /** Expires what is due now; returns how many. The production timer and tests both call it. */
  async sweep(batch = 100): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const expired = await this.repository.expireDue(now, batch, (state) =>
        decide(state, { type: 'Expire' }, this.meta(now)),
      );
      for (const a of expired) this.waiters.notify(a.approval_id);
      total += expired.length;
      if (expired.length < batch) break;
    }
    await this.held.sweep(this.clock.now());
    return total;
  }

  /** How many approvals wait for a reviewer. */
  countPending(): Promise<number> {
    return this.repository.countPending();
  }

  /** An `approval.requested` from the gateway, inside the consumer's inbox transaction. */
  onRequested(
    manager: EntityManager,
    event: Extract<ApprovalEvent, { type: 'approval.requested' }>,
  ): Promise<boolean> {
    return this.repository.create(manager, event);
  }

  private async decideAsAdmin(
    principal: AdminPrincipal,
    approvalId: string,
    command: (state: Approval | null) => ApprovalCommand,
  ): Promise<Approval> {
    const now = this.clock.now();
    const decision = await this.repository.transition(approvalId, (state) => {
      const own = visible(principal, state);
      return decide(own, command(own), this.meta(now));
    });
    return this.outcome(approvalId, decision);
  }

  private async outcome(approvalId: string, decision: Decision): Promise<Approval> {
    if (!decision.ok) throw toError(decision.refusal);
    this.waiters.notify(approvalId);
    const approval = await this.repository.get(approvalId);
    if (!approval) throw new NotFoundError('Approval not found');
    return approval;
  }

  private meta(now: Date) {
    return { event_id: randomUUID(), source: SOURCE, now };
  }
}

/** Another org's approval is answered as not found (CONTRACT.md §1). */
function visible(principal: AdminPrincipal, approval: Approval | null): Approval | null {
  if (!approval) return null;
  return principal.platform_owner || approval.org_id === principal.org_id ? approval : null;
}

/** `pending` answers 409 and `denied` 403; the other kinds are the shared ones. */
function toError(refusal: Refusal): Error {
  const kind =
    refusal.kind === 'pending'
      ? 'conflict'
      : refusal.kind === 'denied'
        ? 'forbidden'
        : refusal.kind;
  return refusalError({ ...refusal, kind });
}
