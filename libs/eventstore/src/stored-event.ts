/** What an append expects of the stream: its current version, that it is new, or nothing. */
export type ExpectedVersion = number | 'no_stream' | 'any';

/** An event to append. `event_id` defaults to a random UUID; pass the envelope id to keep them equal. */
export interface NewEvent<D = unknown> {
  event_id?: string;
  type: string;
  data: D;
  metadata?: Record<string, unknown>;
}

/** An event as the store holds it. Positions are numbers: exact up to 2^53 events. */
export interface StoredEvent<D = unknown> {
  global_position: number;
  stream_id: string;
  stream_type: string;
  version: number;
  event_id: string;
  type: string;
  data: D;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

export interface EventRow {
  global_position: string;
  stream_id: string;
  stream_type: string;
  version: number;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

/** pg returns bigint as a string. */
export const toStoredEvent = (row: EventRow): StoredEvent => ({
  ...row,
  global_position: Number(row.global_position),
});

/** True when a stream at `current` (0 = no stream) satisfies `expected`. */
export function versionMatches(expected: ExpectedVersion, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === 0;
  return current === expected;
}
