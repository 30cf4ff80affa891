import type { DecodeFailure } from './cloudevents';

/** Why a message went to `<topic>.dlq`. */
export type DeadLetterReason = DecodeFailure | 'handler_failed';

/** Headers a dead-lettered record carries besides its original ones. */
export const DLQ_HEADERS = {
  reason: 'x-dlq-reason',
  error: 'x-dlq-error',
  sourceTopic: 'x-dlq-source-topic',
  sourcePartition: 'x-dlq-source-partition',
  sourceOffset: 'x-dlq-source-offset',
  group: 'x-dlq-group',
  attempts: 'x-dlq-attempts',
  time: 'x-dlq-time',
} as const;

export interface DeadLetterCause {
  reason: DeadLetterReason;
  /** Human-readable detail: the parse error, schema issues or the handler's error. */
  error: string;
  attempts: number;
}

/** The record as it arrived, plus where it came from. */
export interface InboundRecord {
  /** Physical topic name (with any deployment prefix): what a replay tool needs. */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** The original headers plus the x-dlq-* ones (the error text is capped at 2 KB). */
export function deadLetterHeaders(
  record: InboundRecord,
  group: string,
  cause: DeadLetterCause,
  now = new Date(),
): Record<string, string> {
  return {
    ...record.headers,
    [DLQ_HEADERS.reason]: cause.reason,
    [DLQ_HEADERS.error]: cause.error.slice(0, 2048),
    [DLQ_HEADERS.sourceTopic]: record.topic,
    [DLQ_HEADERS.sourcePartition]: String(record.partition),
    [DLQ_HEADERS.sourceOffset]: record.offset,
    [DLQ_HEADERS.group]: group,
    [DLQ_HEADERS.attempts]: String(cause.attempts),
    [DLQ_HEADERS.time]: now.toISOString(),
  };
}
