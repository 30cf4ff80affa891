import type { EntityManager } from 'typeorm';
import { evolveCounterTotal, type CounterTotal } from './counter-totals.fixture';
import { rowProjection, type ProjectedEvent } from './projection';

const incremented = (counter_id: string, version: number): ProjectedEvent => ({
  event_id: `e${version}`,
  type: 'counter.incremented',
  data: { counter_id, version },
});

describe('rowProjection', () => {
  const rows = new Map<string, CounterTotal>();
  const manager = {} as EntityManager; // the row store below ignores it
  const projection = rowProjection<CounterTotal>({
    name: 'counter_totals',
    rowId: (e) => (e.data as { counter_id?: string }).counter_id ?? null,
    evolve: evolveCounterTotal,
    load: async (_m, id) => rows.get(id) ?? null,
    save: async (_m, id, row) => void (row ? rows.set(id, row) : rows.delete(id)),
    reset: async () => rows.clear(),
  });

  it('folds events into one row per id with the pure evolve', async () => {
    for (const e of [incremented('a', 1), incremented('b', 1), incremented('a', 2)])
      await projection.apply(manager, e);

    expect(Object.fromEntries(rows)).toEqual({
      a: { increments: 2, last_version: 2 },
      b: { increments: 1, last_version: 1 },
    });
  });

  it('skips events that concern no row and starts over on reset', async () => {
    await projection.apply(manager, { event_id: 'x', type: 'other', data: {} });
    expect(rows.size).toBe(2);

    await projection.reset(manager);
    expect(rows.size).toBe(0);
  });
});
