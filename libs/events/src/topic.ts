import { z } from 'zod';
import type { EnvelopeBase } from './envelope';

/**
 * A topic and the one schema of what may be published on it. `publish(topic, event)`
 * is generic over the descriptor, so a payload that does not belong on a topic does not
 * compile, and consumers parse with the same schema.
 */
export interface TopicDescriptor<S extends z.ZodType<EnvelopeBase> = z.ZodType<EnvelopeBase>> {
  /** Logical topic name; adapters may add a deployment prefix (TOPIC_PREFIX). */
  readonly name: string;
  readonly description: string;
  readonly schema: S;
  /** What the record key is (always the aggregate id); documented in AsyncAPI. */
  readonly key: string;
  /** Event types that may appear on this topic, for docs and routing. */
  readonly types: readonly string[];
}

export type EventOf<T extends TopicDescriptor> = z.infer<T['schema']>;
export type EventTypeOf<T extends TopicDescriptor> = EventOf<T>['type'];

export function defineTopic<S extends z.ZodType<EnvelopeBase>>(
  name: string,
  description: string,
  key: string,
  types: readonly string[],
  schema: S,
): TopicDescriptor<S> {
  return { name, description, key, types, schema };
}

/** Name of the dead-letter topic for a topic. */
export const deadLetterTopicName = (name: string): string => `${name}.dlq`;
