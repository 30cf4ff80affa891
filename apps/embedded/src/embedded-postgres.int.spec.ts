import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

/** Issue 17 item 8: PGlite runs in a worker thread, served to `pg` over the wire protocol. */
describe('embedded Postgres (PGlite in a worker thread)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-embedded-pg-'));
  let postgres: EmbeddedPostgres;
  let client: Client;

  const connect = async () => {
    client = new Client({ connectionString: postgres.url });
    await client.connect();
  };

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres(dataDir);
    await connect();
  }, 120_000);

  afterAll(async () => {
    await client?.end();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps this thread free while a query runs: timers fire during a long query', async () => {
    // On this thread the query would be one synchronous WASM call: no timer could fire until
    // it returned. Counting the ticks, rather than bounding the longest gap, keeps the test
    // true on a loaded machine, where the OS may deschedule this thread for a second.
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    const started = performance.now();
    try {
      // Long enough to measure; on this thread it would block every timer for all of it.
      await client.query('select count(*) from generate_series(1, 4000000)');
    } finally {
      clearInterval(timer);
    }
    const took = performance.now() - started;
    expect(took).toBeGreaterThan(200);
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it('answers a result of several MiB intact (many chunks, sent on while produced)', async () => {
    const rows = 6000;
    const { rows: got } = await client.query<{ i: number; text: string }>(
      `select i, repeat(md5(i::text), 20) as text from generate_series(1, $1::int) as i`,
      [rows],
    );
    expect(got).toHaveLength(rows);
    const wrong = got.filter(
      (r) => r.text !== createHash('md5').update(String(r.i)).digest('hex').repeat(20),
    );
    expect(wrong).toEqual([]);
  });

  it('keeps its data across a stop and a start on the same directory', async () => {
    await client.query('create table kept (id int primary key)');
    await client.query('insert into kept values (1), (2), (3)');
    await client.end();
    await postgres.stop();
    postgres = await startEmbeddedPostgres(dataDir);
    await connect();
    const { rows } = await client.query<{ n: string }>('select count(*) as n from kept');
    expect(rows[0].n).toBe('3');
  }, 120_000);
});
