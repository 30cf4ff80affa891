import type { EnvelopeBase, TopicDescriptor } from '@llmgov/events';
import type { EntityManager } from 'typeorm';

export interface OutboxEntry {
  topic: TopicDescriptor;
  event: EnvelopeBase;
}

/**
 * What this service needs from the event store: append to a stream at an expected version,
 * with the outbox rows, inside the caller's transaction (so the read-model row changes in
 * the same commit). The one place that knows the eventstore library's API.
 */
export interface EventLog {
  append(manager: EntityManager, streamId: string, streamType: string, expectedVersion: number, events: EnvelopeBase[], outbox: OutboxEntry[]): Promise<void>;
}
