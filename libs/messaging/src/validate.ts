import type { EventOf, TopicDescriptor } from '@llmgov/events';
import type { PublishOptions } from './event-bus';
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

const ENVELOPE_STRINGS = ['id', 'type', 'source', 'time', 'subject'] as const;

/** The cheap check of `validate: 'envelope'`: the CloudEvents attributes only (see PublishOptions). */
export function validateEnvelope<T extends TopicDescriptor>(
  topic: T,
  event: EventOf<T>,
): EventOf<T> {
  const e = event as unknown as Record<string, unknown>;
  for (const key of ENVELOPE_STRINGS) {
    const v = e[key];
    if (typeof v !== 'string' || v.length === 0) {
      throw new EventValidationError(topic.name, [
        { code: 'custom', path: [key], message: `${key} must be a non-empty string`, input: v },
      ] as never);
    }
  }
  if (typeof e.data !== 'object' || e.data === null) {
    throw new EventValidationError(topic.name, [
      { code: 'custom', path: ['data'], message: 'data must be an object', input: e.data },
    ] as never);
  }
  return event;
}

/** Validates a batch as `options.validate` asks (default: the full schema). */
export function validateForPublish<T extends TopicDescriptor>(
  topic: T,
  events: EventOf<T>[],
  options?: PublishOptions,
): EventOf<T>[] {
  const mode = options?.validate ?? 'schema';
  switch (mode) {
    case 'schema':
      return events.map((e) => validateEvent(topic, e));
    case 'envelope':
      for (const e of events) validateEnvelope(topic, e);
      return events;
    default: {
      const unknown: never = mode;
      throw new Error(`unknown validate mode: ${String(unknown)}`);
    }
  }
}
