import {
  approvalsTopic,
  budgetTopic,
  policyViolatedTopic,
  replicasTopic,
  requestsTopic,
} from '@llmgov/events';

/**
 * How much of a topic the embedded event log keeps, decided by what reads it:
 * - `all`: never trimmed. The governance topics (tenancy, policies, agent reviews) are folded
 *   from the beginning by in-memory views at every start (gateway views, admin directories,
 *   key issuers); dead letters are kept for inspection (nothing consumes them, they are few);
 *   and any topic not named here, to be safe.
 * - `consumed`: history that only durable consumers read (audit, webhooks, approval workflow):
 *   trimmed up to the lowest offset any group has committed.
 * - `window`: request events: as `consumed`, but also kept from the start of the UTC month
 *   `months` back, because the gateway's in-memory budgets fold them at start (monthly
 *   budgets need the current month, the book keeps the previous one too, docs/budgets.md).
 */
export type Retention = 'all' | 'consumed' | 'window';

const CONSUMED = new Set<string>([
  policyViolatedTopic.name,
  budgetTopic.name,
  approvalsTopic.name,
  // Heartbeats are not written to disk; only the memory they hold is trimmed.
  replicasTopic.name,
]);

export function retentionOf(topicName: string): Retention {
  if (topicName === requestsTopic.name) return 'window';
  return CONSUMED.has(topicName) ? 'consumed' : 'all';
}

/** Start (ms) of the UTC month `months` before the one `now` is in. */
export function windowStart(now: Date, months: number): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1);
}

export interface TopicPosition {
  /** The topic's log-start offset now. */
  base: number;
  /** Offsets every consumer group known to the log (this run's and saved ones) is at. */
  groups: readonly number[];
  /** The first offset at or after `base` whose record is not older than the window start. */
  firstInWindow: () => number;
}

/**
 * The new log-start offset of a topic: never lower than the current one; never past a
 * group (a record some group has not handled is kept); a topic no group has read is kept
 * whole (nothing says its records were read).
 */
export function nextBase(retention: Retention, topic: TopicPosition): number {
  if (retention === 'all' || topic.groups.length === 0) return topic.base;
  const consumed = Math.min(...topic.groups);
  const kept = retention === 'window' ? Math.min(consumed, topic.firstInWindow()) : consumed;
  return Math.max(topic.base, kept);
}
