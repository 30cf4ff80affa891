import type { EventOf, TopicDescriptor } from '@llmgov/events';
import { EventValidationError } from './errors';

/**
 * Parses an event with its topic's schema before it is sent. The compiler already
 * rejects a wrong payload type; this catches what types cannot (formats, ranges, a
 * value built with `as`).
 */
export function validateEvent<T extends TopicDescriptor>(topic: T, event: EventOf<T>): EventOf<T> {
  const result = topic.schema.safeParse(event);
  if (!result.success) throw new EventValidationError(topic.name, result.error.issues);
  return result.data as EventOf<T>;
}
