import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PgliteWireServer } from './pglite-wire-server';

export interface EmbeddedPostgres {
  /** A `postgres://` URL the ordinary `pg` driver and TypeORM use unchanged. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Postgres for the embedded mode: PGlite (Postgres compiled to WASM, no binaries, works as
 * root) persisted under `dataDir`, served on a loopback port through the Postgres wire
 * protocol, so every service runs the same `pg`/TypeORM code as in production.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = join(dataDir, 'pg');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PgliteWireServer(db);
  const port = await server.listen(0);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.close();
      await db.close();
    },
  };
}
