import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PgliteWireServer } from './pglite-wire-server';
import { pgliteOptions } from './pglite-options';

/** What `startEmbeddedPostgres` hands this thread. */
export interface PgliteWorkerData {
  dir: string;
  password: string;
}

/** Messages this thread posts: its port once it listens, `stopped` once the database is closed. */
export type PgliteWorkerMessage = { port: number } | { stopped: true };

/**
 * PGlite and its wire server in a worker thread (issue 17 item 8): query execution in
 * WebAssembly and PGlite's file I/O then run beside the services' JavaScript instead of on
 * the same thread, which they took half of under ingest (docs/benchmarks.md).
 */
async function main(): Promise<void> {
  const { dir, password } = workerData as PgliteWorkerData;
  const db = await PGlite.create(dir, pgliteOptions());
  const server = new PgliteWireServer(db, password);
  const port = await server.listen(0);
  parentPort!.once('message', () => {
    void (async () => {
      await server.close();
      await db.close();
      parentPort!.postMessage({ stopped: true } satisfies PgliteWorkerMessage);
      parentPort!.close();
    })();
  });
  parentPort!.postMessage({ port } satisfies PgliteWorkerMessage);
}

void main().catch((error: unknown) => {
  // Rethrown outside the promise: the parent's 'error' event gets it.
  setImmediate(() => {
    throw error;
  });
});
