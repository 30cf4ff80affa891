import type { EventBus } from './event-bus';
import { InProcessEventBus } from './in-process/in-process-event-bus';
import { KafkaEventBus } from './kafka/kafka-event-bus';
import type { MessagingLogger } from './logger';

/** Which adapter to run: Kafka when distributed, in-process when embedded. */
export type EventBusConfig =
  | {
      kind: 'kafka';
      brokers: string[];
      clientId: string;
      topicPrefix?: string;
      logger?: MessagingLogger;
    }
  | { kind: 'in-process'; logger?: MessagingLogger };

/** Builds the EventBus a service's config asks for. */
export function createEventBus(config: EventBusConfig): EventBus {
  switch (config.kind) {
    case 'kafka':
      return new KafkaEventBus(config);
    case 'in-process':
      return new InProcessEventBus(config);
    default: {
      const unknown: never = config;
      throw new Error(`unknown event bus kind: ${JSON.stringify(unknown)}`);
    }
  }
}
