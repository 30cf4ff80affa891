import { createHash } from 'node:crypto';
import type { EnvelopeBase } from '@llmgov/events';
import type { AlertWebhook, WebhookEventKind } from '@llmgov/policy-schema';

/** The event types each webhook kind delivers (docs/webhooks.md). */
export const WEBHOOK_EVENT_TYPES: Record<WebhookEventKind, readonly string[]> = {
  budget: ['budget.threshold_reached', 'budget.exceeded'],
  policy_violation: ['policy.violated'],
  approval: ['approval.requested'],
  compliance: ['compliance.remediation.applied'],
};

const KIND_OF = new Map<string, WebhookEventKind>(
  Object.entries(WEBHOOK_EVENT_TYPES).flatMap(([kind, types]) =>
    types.map((t): [string, WebhookEventKind] => [t, kind as WebhookEventKind]),
  ),
);

/** The webhook kind of an event type, or null when no webhook delivers it. */
export function webhookKindOf(type: string): WebhookEventKind | null {
  return KIND_OF.get(type) ?? null;
}

/** The org an event belongs to (every alert-worthy event carries `data.org_id`). */
export function orgOf(event: EnvelopeBase): string | null {
  const org = (event.data as { org_id?: unknown } | null)?.org_id;
  return typeof org === 'string' ? org : null;
}

/**
 * A number in [0, 1) fixed by the event id: a sampled violation is in or out the same way on
 * every redelivery, so retries and restarts never change what was chosen.
 */
export function samplePoint(eventId: string): number {
  return createHash('sha256').update(eventId).digest().readUInt32BE(0) / 2 ** 32;
}

/** The destinations of an org that get this event: enabled, subscribed to its kind, and sampled in. */
export function destinationsFor(
  event: EnvelopeBase,
  destinations: readonly AlertWebhook[],
): AlertWebhook[] {
  const kind = webhookKindOf(event.type);
  if (!kind) return [];
  return destinations.filter(
    (d) =>
      d.enabled !== false &&
      d.events.includes(kind) &&
      (kind !== 'policy_violation' || samplePoint(event.id) < (d.violation_sample_rate ?? 1)),
  );
}

/**
 * Delay before retry `attempt` (1 = after the first failure): exponential from `baseMs`,
 * doubled each time, capped at `capMs`.
 */
export function backoffMs(attempt: number, baseMs: number, capMs = 3_600_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
