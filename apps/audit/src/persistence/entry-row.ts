import type { HashedEntry } from '../chain/entry';

/** The columns of `audit_entries`, in the order of the insert below. */
export const ENTRY_COLUMNS = [
  'chain',
  'position',
  'event_id',
  'type',
  'topic',
  'time',
  'recorded_at',
  'actor',
  'agent_id',
  'key_id',
  'model',
  'step',
  'code',
  'policy_version',
  'request_id',
  'event',
  'prev_hash',
  'hash',
] as const;

/** An `audit_entries` row as pg answers it: the entry, its bigint and timestamptz as pg's. */
export type EntryRow = Omit<HashedEntry, 'position' | 'time' | 'recorded_at'> & {
  position: string | number;
  time: Date;
  recorded_at: Date;
};

/** A row back into the entry it was written from (bigint and timestamptz normalised). */
export function fromRow(row: EntryRow): HashedEntry {
  return {
    chain: row.chain,
    position: Number(row.position),
    event_id: row.event_id,
    type: row.type,
    topic: row.topic,
    time: new Date(row.time).toISOString(),
    recorded_at: new Date(row.recorded_at).toISOString(),
    actor: row.actor,
    agent_id: row.agent_id,
    key_id: row.key_id,
    model: row.model,
    step: row.step,
    code: row.code,
    policy_version: row.policy_version,
    request_id: row.request_id,
    event: row.event,
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}

export const toParams = (e: HashedEntry): unknown[] =>
  ENTRY_COLUMNS.map((c) => (c === 'event' ? JSON.stringify(e.event) : e[c]));
