import { z } from 'zod';
import { envelope, isoTime, microUsd } from './envelope';
import { defineTopic } from './topic';
import { actor } from './common';

export const ApprovalRequested = envelope(
  'approval.requested',
  z.object({
    approval_id: z.string(),
    org_id: z.string(),
    team_id: z.string().nullable(),
    key_id: z.string(),
    agent_id: z.string().nullable(),
    environment: z.string().nullable(),
    request_id: z.string(),
    /** sha256 over the canonical (model, messages, tools, max_tokens) of the request. */
    fingerprint: z.string(),
    model: z.string(),
    provider: z.string().nullable(),
    estimated_cost_micro_usd: microUsd,
    trigger: z.object({
      kind: z.enum(['require_approval', 'cost_gate', 'content_gate', 'confidence_gate']),
      policy_id: z.string().nullable(),
      detail: z.string(),
      /** confidence_gate: the held answer's mean token probability (never the answer). */
      confidence: z.number().min(0).max(1).optional(),
    }),
    /** A redacted preview, only when the policy's log level allows it. */
    preview: z.string().nullable(),
    policy_version: z.number().int().nullable(),
    requested_at: isoTime,
    expires_at: isoTime,
  }),
);
const decision = z.object({
  approval_id: z.string(),
  org_id: z.string(),
  reviewer: actor,
  reason: z.string().nullable(),
  decided_at: isoTime,
});
export const ApprovalGranted = envelope('approval.granted', decision);
export const ApprovalRejected = envelope('approval.rejected', decision);
export const ApprovalExpired = envelope(
  'approval.expired',
  z.object({ approval_id: z.string(), org_id: z.string(), expired_at: isoTime }),
);
export const ApprovalConsumed = envelope(
  'approval.consumed',
  z.object({
    approval_id: z.string(),
    org_id: z.string(),
    request_id: z.string(),
    consumed_at: isoTime,
  }),
);

/** Human-in-the-loop approvals. Key: the approval id. */
export const approvalsTopic = defineTopic(
  'approvals.v1',
  'Approval workflow: requested, granted, rejected, expired, consumed.',
  'approval_id',
  [
    'approval.requested',
    'approval.granted',
    'approval.rejected',
    'approval.expired',
    'approval.consumed',
  ],
  z.discriminatedUnion('type', [
    ApprovalRequested,
    ApprovalGranted,
    ApprovalRejected,
    ApprovalExpired,
    ApprovalConsumed,
  ]),
);

export const AgentReviewRecorded = envelope(
  'agent.review.recorded',
  z.object({
    org_id: z.string(),
    agent_id: z.string(),
    reviewer: actor,
    notes: z.string().nullable(),
    reviewed_at: isoTime,
    next_review_due: isoTime.nullable(),
  }),
);

/** Periodic human reviews of agents. Key: the agent id. */
export const agentReviewsTopic = defineTopic(
  'agent.reviews.v1',
  'Periodic human reviews of agents (require_human_review).',
  'agent_id',
  ['agent.review.recorded'],
  AgentReviewRecorded,
);
