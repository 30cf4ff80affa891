import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PgliteWireServer } from './pglite-wire-server';
import { pgliteOptions } from './pglite-options';

export interface EmbeddedPostgres {
  /** A `postgres://` URL (with its password) the ordinary `pg` driver and TypeORM use unchanged. */
  url: string;
  stop(): Promise<void>;
}

/** Where the embedded database's URL, password included, is kept for the operator (mode 0600). */
export const POSTGRES_URL_FILE = 'postgres-url';

/**
 * Postgres for the embedded mode: PGlite (Postgres compiled to WASM, no binaries, works as
 * root) persisted under `dataDir`, served on a loopback port through the Postgres wire
 * protocol, so every service runs the same `pg`/TypeORM code as in production.
 *
 * PGlite trusts every connection, and any local user can reach a loopback port, so the wire
 * server asks for a password made at random on every start (issue 17: a local user rewrote
 * audit rows). It is written, in the URL, to `DATA_DIR/postgres-url` with mode 0600 for the
 * operator's own `psql`; it is never logged.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = join(dataDir, 'pg');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(dir, pgliteOptions());
  const password = randomBytes(24).toString('base64url');
  const server = new PgliteWireServer(db, password);
  const port = await server.listen(0);
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const file = join(dataDir, POSTGRES_URL_FILE);
  writeFileSync(file, `${url}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // a file left by an older version keeps its mode otherwise
  return {
    url,
    async stop() {
      await server.close();
      await db.close();
    },
  };
}
