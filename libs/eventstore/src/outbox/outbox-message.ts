import type { EventOf, TopicDescriptor } from '@llmgov/events';
import { EventValidationError, traceHeaders } from '@llmgov/messaging';

/** An event to publish to a topic once the transaction that wrote it commits. */
export interface OutboxMessage<T extends TopicDescriptor = TopicDescriptor> {
  topic: T;
  event: EventOf<T>;
}

/**
 * Builds an OutboxMessage with the topic/event pair checked by the compiler (an array
 * of `{topic, event}` literals would only be checked against the widest envelope type).
 */
export const outboxMessage = <T extends TopicDescriptor>(
  topic: T,
  event: EventOf<T>,
): OutboxMessage<T> => ({ topic, event });

/** A row of the outbox table as written. */
export interface OutboxRow {
  event_id: string;
  topic: string;
  key: string;
  /** The whole envelope as JSON (structured mode); the bus re-encodes it in binary mode. */
  value: string;
  headers: Record<string, string>;
}

/**
 * Validates the event with its topic's schema now, at write time, so a bad event fails
 * the command instead of poisoning the relay later; and captures the current trace
 * context, so the consumer's spans join the request that wrote the event.
 */
export function toOutboxRow(
  message: OutboxMessage,
  headers: Record<string, string> = traceHeaders(),
): OutboxRow {
  const result = message.topic.schema.safeParse(message.event);
  if (!result.success) throw new EventValidationError(message.topic.name, result.error.issues);
  const event = result.data;
  return {
    event_id: event.id,
    topic: message.topic.name,
    key: event.subject,
    value: JSON.stringify(event),
    headers,
  };
}
