import { PGlite } from '@electric-sql/pglite';
import { EMBEDDED_PG_SETTINGS, pgliteOptions } from './pglite-options';

describe('pgliteOptions', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create(pgliteOptions());
  }, 60_000);
  afterAll(() => db.close());

  const setting = async (name: string) =>
    (await db.query<{ value: string }>('SELECT current_setting($1) AS value', [name])).rows[0]!
      .value;

  it('starts Postgres with the embedded buffer sizes', async () => {
    expect(EMBEDDED_PG_SETTINGS).toEqual({ shared_buffers: '16MB', wal_buffers: '4MB' });
    expect(await setting('shared_buffers')).toBe('16MB');
    expect(await setting('wal_buffers')).toBe('4MB');
  });

  it("keeps PGlite's own start parameters", async () => {
    expect(await setting('search_path')).toBe('public');
    expect(await setting('max_worker_processes')).toBe('0');
  });
});
