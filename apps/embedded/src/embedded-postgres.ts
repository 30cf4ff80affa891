import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PgliteWorkerData, PgliteWorkerMessage } from './pglite.worker';

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
 * protocol, so every service runs the same `pg`/TypeORM code as in production. PGlite and
 * its wire server run in a worker thread (`pglite.worker.ts`), off the services' thread.
 *
 * PGlite trusts every connection, and any local user can reach a loopback port, so the wire
 * server asks for a password made at random on every start (issue 17: a local user rewrote
 * audit rows). It is written, in the URL, to `DATA_DIR/postgres-url` with mode 0600 for the
 * operator's own `psql`; it is never logged.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = join(dataDir, 'pg');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  const worker = startWorker({ dir, password });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`embedded Postgres exited (${code})`)));
    worker.once('message', (m: PgliteWorkerMessage) => 'port' in m && resolve(m.port));
  });
  worker.removeAllListeners();
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const file = join(dataDir, POSTGRES_URL_FILE);
  writeFileSync(file, `${url}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // a file left by an older version keeps its mode otherwise
  return {
    url,
    async stop() {
      // Closed once PGlite has flushed and closed its files; then the thread is ended.
      const stopped = new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
    },
  };
}

/**
 * The worker runs this module's sibling: compiled JavaScript in `dist/`, TypeScript from the
 * sources (tests, benches), which a worker thread loads through the same register hook.
 */
function startWorker(data: PgliteWorkerData): Worker {
  const entry = join(__dirname, `pglite.worker${extname(__filename)}`);
  const register = join(__dirname, '..', '..', '..', 'tools', 'register.cjs');
  const load = [...(extname(__filename) === '.ts' ? [register] : []), entry].map(
    (path) => `require(${JSON.stringify(path)});`,
  );
  return new Worker(load.join(''), { eval: true, workerData: data });
}
