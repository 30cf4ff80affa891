import { z } from 'zod';
import { envelope, isoTime, microUsd } from './envelope';
import { defineTopic } from './topic';

export const stepTrace = z.object({
  step: z.string(),
  verdict: z.enum(['allow', 'warn', 'redact', 'block', 'needs_approval', 'skipped']),
  code: z.string().nullable(),
  policy_id: z.string().nullable(),
  duration_ms: z.number().nonnegative(),
});

/**
 * What a detector found, for explanation: which detector (`pii`, `content`, `security`,
 * `remote:<name>`), the label (pattern or category), the action taken, the score and the
 * character spans per request field — never the matched text.
 */
export const finding = z.object({
  detector: z.string(),
  label: z.string(),
  action: z.enum(['block', 'warn', 'redact', 'review', 'monitor']),
  score: z.number().min(0).max(1).optional(),
  spans: z
    .array(
      z.object({
        field: z.string(),
        start: z.number().int().nonnegative(),
        end: z.number().int().nonnegative(),
      }),
    )
    .optional(),
});

const principal = {
  request_id: z.string(),
  org_id: z.string(),
  team_id: z.string().nullable(),
  key_id: z.string(),
  agent_id: z.string().nullable(),
  session_id: z.string().nullable(),
  environment: z.string().nullable(),
  /**
   * The caller's end user: OpenAI's `user` field, or Anthropic's `metadata.user_id` (at most
   * 256 characters; an opaque id is expected). Absent from events of older gateways.
   */
  end_user: z.string().max(256).nullable().optional(),
};

/**
 * A request was admitted and its maximum cost reserved. Peers fold it into their rate
 * and budget counters (cluster-wide limits); the ledger holds the reservation until the
 * matching `request.completed` settles it or it expires.
 */
export const RequestAdmitted = envelope(
  'request.admitted',
  z.object({
    ...principal,
    model: z.string(),
    provider: z.string(),
    tags: z.array(z.string()),
    reserved_micro_usd: microUsd,
    reservation_expires_at: isoTime,
    replica_id: z.string(),
    admitted_at: isoTime,
  }),
);

/** A request finished (forwarded or refused): usage, actual cost, decision trace. Never prompt text. */
export const RequestCompleted = envelope(
  'request.completed',
  z.object({
    ...principal,
    model: z.string(),
    provider: z.string().nullable(),
    outcome: z.enum(['forwarded', 'refused', 'pending_approval', 'upstream_error', 'cut']),
    http_status: z.number().int(),
    usage: z.object({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative(),
      total_tokens: z.number().int().nonnegative(),
    }),
    /** Present and true when the upstream reported no usage and the gateway counted the answer's tokens. */
    usage_estimated: z
      .boolean()
      .optional()
      .describe(
        'true: the upstream reported no usage; the gateway counted the tokens of the answer',
      ),
    cost_micro_usd: microUsd,
    reserved_micro_usd: microUsd,
    tags: z.array(z.string()),
    streamed: z.boolean(),
    policy_id: z.string().nullable(),
    policy_version: z.number().int().nullable(),
    decision: z.array(stepTrace),
    /** The scanners' findings (absent from events of older gateways). */
    findings: z.array(finding).optional(),
    governance_ms: z.number().nonnegative(),
    upstream_ms: z.number().nonnegative().nullable(),
    replica_id: z.string(),
    started_at: isoTime,
    completed_at: isoTime,
  }),
);

/**
 * A gateway replica is alive (sent every `interval_ms`). Peers derive the live replica set
 * from these (gone after a timeout) and split what is left of a budget or a rate window
 * into equal shares (docs/budgets.md). Subject: the replica id.
 */
export const ReplicaHeartbeat = envelope(
  'replica.heartbeat',
  z.object({
    replica_id: z.string().min(1),
    started_at: isoTime,
    sent_at: isoTime,
    interval_ms: z.number().int().positive(),
  }),
);

/** Usage and outcomes of gateway requests. Key: the request id. */
export const requestsTopic = defineTopic(
  'gateway.requests.v1',
  'Admitted requests (reservations) and completed requests (usage, cost, decision trace).',
  'request_id',
  ['request.admitted', 'request.completed'],
  z.discriminatedUnion('type', [RequestAdmitted, RequestCompleted]),
);

/**
 * Gateway replica heartbeats. A topic of their own, not `gateway.requests.v1`: only gateway
 * replicas read them, so the ledger, the registry and the ledger snapshot's offsets never see
 * one event per replica per second. Key: the replica id.
 */
export const replicasTopic = defineTopic(
  'gateway.replicas.v1',
  'Gateway replica heartbeats: the live replica set that budget and rate-limit shares are split over.',
  'replica_id',
  ['replica.heartbeat'],
  ReplicaHeartbeat,
);

/** A refusal. For outside subscribers: ids, step, code and policy version — never prompt text or secrets. */
export const PolicyViolated = envelope(
  'policy.violated',
  z.object({
    ...principal,
    model: z.string().nullable(),
    provider: z.string().nullable(),
    step: z.string(),
    code: z.string(),
    http_status: z.number().int(),
    message: z.string(),
    policy_id: z.string().nullable(),
    policy_doc_id: z.string().nullable(),
    policy_version: z.number().int().nullable(),
    /** The scanners' findings up to the refusal (absent from events of older gateways). */
    findings: z.array(finding).optional(),
    occurred_at: isoTime,
  }),
);

export const policyViolatedTopic = defineTopic(
  'policy.violated',
  'Every refusal by the gateway, for outside subscribers (SIEM, alerting).',
  'request_id',
  ['policy.violated'],
  PolicyViolated,
);
