import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A `postgres://` URL the ordinary `pg` driver and TypeORM use unchanged. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Postgres for the embedded mode: PGlite (Postgres compiled to WASM, no binaries, works as
 * root) persisted under `dataDir`, served on a loopback port through the Postgres wire
 * protocol, so every service runs the same `pg`/TypeORM code as in production. PGlite has
 * one session; the socket server multiplexes connections and makes a connection wait while
 * another holds a transaction open, which keeps transactions isolated (INFRA.md).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = join(dataDir, 'pg');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 64 });
  await server.start();
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  return {
    url: `postgres://postgres@127.0.0.1:${address.port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
