import type { EntityManager } from 'typeorm';
import { qualified } from '../sql';
import { rowProjection, type ProjectedEvent } from './projection';

export interface CounterTotal {
  increments: number;
  last_version: number;
}

/** Pure: a counter's total after one more event. */
export function evolveCounterTotal(
  row: CounterTotal | null,
  event: ProjectedEvent,
): CounterTotal | null {
  if (event.type !== 'counter.incremented') return row;
  const { version } = event.data as { version: number };
  return { increments: (row?.increments ?? 0) + 1, last_version: version };
}

/** A read model for tests: one row per counter in `<schema>.counter_totals`. */
export function counterTotalsProjection(schema: string) {
  const table = qualified(schema, 'counter_totals');
  return {
    create: (m: EntityManager) =>
      m.query(
        `CREATE TABLE IF NOT EXISTS ${table} (counter_id text PRIMARY KEY, increments int NOT NULL, last_version int NOT NULL)`,
      ),
    rows: async (m: EntityManager) =>
      (await m.query(
        `SELECT counter_id, increments, last_version FROM ${table} ORDER BY counter_id`,
      )) as Array<CounterTotal & { counter_id: string }>,
    projection: rowProjection<CounterTotal>({
      name: 'counter_totals',
      rowId: (e) => (e.data as { counter_id?: string }).counter_id ?? null,
      evolve: evolveCounterTotal,
      load: async (m, id) =>
        (
          (await m.query(`SELECT increments, last_version FROM ${table} WHERE counter_id = $1`, [
            id,
          ])) as CounterTotal[]
        )[0] ?? null,
      save: async (m, id, row) => {
        if (row === null) await m.query(`DELETE FROM ${table} WHERE counter_id = $1`, [id]);
        else
          await m.query(
            `INSERT INTO ${table} (counter_id, increments, last_version) VALUES ($1, $2, $3)
             ON CONFLICT (counter_id) DO UPDATE SET increments = excluded.increments, last_version = excluded.last_version`,
            [id, row.increments, row.last_version],
          );
      },
      reset: async (m) => void (await m.query(`DELETE FROM ${table}`)),
    }),
  };
}
