import type { HashedEntry } from '../chain/entry';

/** The columns of `audit_entries` and their SQL types, in the order of the insert. */
const ENTRY_COLUMN_TYPES = {
  chain: 'text',
  position: 'bigint',
  event_id: 'text',
  type: 'text',
  topic: 'text',
  time: 'timestamptz',
  recorded_at: 'timestamptz',
  actor: 'text',
  agent_id: 'text',
  key_id: 'text',
  model: 'text',
  step: 'text',
  code: 'text',
  policy_version: 'integer',
  request_id: 'text',
  event: 'jsonb',
  prev_hash: 'text',
  hash: 'text',
} as const satisfies Record<keyof HashedEntry, string>;

export const ENTRY_COLUMNS = Object.keys(ENTRY_COLUMN_TYPES) as (keyof HashedEntry)[];

/**
 * The rows of `param`, one JSON array of entries, as a relation of `audit_entries`' columns.
 * One parameter, unpacked by the server, rather than 18 per row: a batch of 1000 entries was
 * 18 000 parameters for the driver to bind and Postgres to parse, and its insert took ~25 %
 * more database CPU per row (PGlite, issue 17 item 8, docs/benchmarks.md).
 */
export const entriesRecordset = (param: string): string =>
  `jsonb_to_recordset(${param}::jsonb) as x(${ENTRY_COLUMNS.map(
    (c) => `${c} ${ENTRY_COLUMN_TYPES[c]}`,
  ).join(', ')})`;

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
