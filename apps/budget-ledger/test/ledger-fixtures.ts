import type { PolicyDocument } from '@llmgov/policy-schema';
import { exampleEvents, type EventOf, type policyTopic } from '@llmgov/events';

/** A `policy.published` (active) carrying `document`, for tests. */
export function publishedEvent(
  document: PolicyDocument,
  policy_version: number,
  id = `evt_pub_${document.org_id}_${policy_version}`,
): EventOf<typeof policyTopic> {
  const example = exampleEvents['policy.published'];
  return {
    ...example,
    id,
    subject: document.org_id,
    data: {
      ...example.data,
      org_id: document.org_id,
      policy_version,
      document,
    },
  };
}
