import type { EnvelopeBase } from '@llmgov/events';
import { webhookKindOf } from './webhook-routing';

/** The JSON body of a `json` webhook: the event as published, with its kind and org. */
export function jsonPayload(event: EnvelopeBase, org_id: string): Record<string, unknown> {
  return {
    id: event.id,
    type: event.type,
    kind: webhookKindOf(event.type),
    org_id,
    time: event.time,
    data: event.data,
  };
}

const usd = (micro: unknown) => (typeof micro === 'number' ? `$${(micro / 1e6).toFixed(2)}` : '?');

/** One line saying what happened, for people (Slack). Never prompt text: events carry none. */
export function summaryOf(event: EnvelopeBase): string {
  const d = (event.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case 'budget.threshold_reached':
      return `Budget alert: ${String(d.scope)} ${String(d.scope_id)} reached ${String(d.threshold_pct)} % of its ${String(d.period)} budget (${usd(d.spent_micro_usd)} of ${usd(d.limit_micro_usd)})`;
    case 'budget.exceeded':
      return `Budget exceeded: ${String(d.scope)} ${String(d.scope_id)} spent ${usd(d.spent_micro_usd)} of its ${String(d.period)} budget of ${usd(d.limit_micro_usd)}`;
    case 'policy.violated':
      return `Policy violation: ${String(d.code)} at step ${String(d.step)} (model ${String(d.model ?? 'none')}, key ${String(d.key_id)}, request ${String(d.request_id)})`;
    case 'approval.requested':
      return `Approval waiting: ${String(d.approval_id)} for ${String(d.model)} (${usd(d.estimated_cost_micro_usd)} estimated), expires ${String(d.expires_at)}`;
    case 'compliance.remediation.applied':
      return `Compliance change: ${String(d.check_id)} (${String(d.article)}) remediated, score ${String(d.score_before)} → ${String(d.score_after)}, policy version ${String(d.policy_version)} (${String(d.status)})`;
    default:
      return `${event.type} (${event.id})`;
  }
}

/**
 * A Slack incoming-webhook message (https://api.slack.com/messaging/webhooks): `text` as the
 * notification fallback, one section block with the summary and a context block with ids.
 */
export function slackPayload(event: EnvelopeBase, org_id: string): Record<string, unknown> {
  const text = summaryOf(event);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `org \`${org_id}\` · event \`${event.id}\` · ${event.time}` },
        ],
      },
    ],
  };
}

/** The body of a delivery in the destination's format. */
export function webhookBody(
  event: EnvelopeBase,
  org_id: string,
  format: 'json' | 'slack' | undefined,
): string {
  return JSON.stringify(
    format === 'slack' ? slackPayload(event, org_id) : jsonPayload(event, org_id),
  );
}
