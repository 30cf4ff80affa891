export * from './event-bus';
export { EventValidationError } from './errors';
export { type MessagingLogger, stderrLogger, silentLogger } from './logger';
export { type RetryPolicy, defaultRetryPolicy } from './retry-policy';
export { type BinaryRecord, CE_HEADERS, toBinaryRecord, fromBinaryRecord } from './cloudevents';
export { type DeadLetterReason, DLQ_HEADERS } from './dead-letter';
export {
  traceHeaders,
  extractContext,
  withBatchProcessSpans,
  type BatchMessage,
} from './trace-context';
export { KafkaEventBus, type KafkaEventBusOptions } from './kafka/kafka-event-bus';
export {
  InProcessEventBus,
  type InProcessEventBusOptions,
  type InProcessDurability,
} from './in-process/in-process-event-bus';
export { createEventBus, type EventBusConfig } from './create-event-bus';
