import { randomUUID } from 'node:crypto';
import { allTopics, exampleEvents, type EnvelopeBase, type TopicDescriptor } from '@llmgov/events';

export type ExampleType = keyof typeof exampleEvents;

/** An example event of `type`, with a fresh id and its org (if it has one) set to `orgId`. */
export function example<K extends ExampleType>(
  type: K,
  orgId = 'org_example',
  patch: Record<string, unknown> = {},
): (typeof exampleEvents)[K] {
  const event = structuredClone(exampleEvents[type]) as EnvelopeBase & {
    data: Record<string, unknown>;
  };
  event.id = randomUUID();
  if ('org_id' in event.data && event.data.org_id !== null) event.data.org_id = orgId;
  if (event.subject === 'org_example') event.subject = orgId;
  Object.assign(event.data, patch);
  return event as unknown as (typeof exampleEvents)[K];
}

/** The topic an event type is published on. */
export function topicOf(type: string): TopicDescriptor {
  const topic = allTopics.find((t) => t.types.includes(type));
  if (!topic) throw new Error(`no topic carries ${type}`);
  return topic;
}

/** An active policy.published whose deployer part sets the log level and retention. */
export function policyPublished(
  orgId: string,
  version: number,
  logLevel: 'minimal' | 'standard' | 'verbose',
  retentionDays = 365,
) {
  return example('policy.published', orgId, {
    policy_version: version,
    status: 'active',
    document: { deployer: { log_level: logLevel, retention_days: retentionDays } },
  });
}
