import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

/**
 * Postgres settings of the embedded database. `initdb` writes `shared_buffers = 128MB` into
 * the data directory, and in PGlite those buffers live in the WebAssembly memory of this
 * process: they grew it by ~54 MB and the idle process by ~100 MB of RSS (docs/benchmarks.md,
 * "Memory and start-up"). The embedded database is small (~40 MB with the demo org) and its
 * files sit in the kernel's page cache, so 16 MB of buffers is enough. `wal_buffers` keeps the
 * 4 MB that 128 MB of buffers gave it (1/32), so commits write the WAL as before.
 * Passed as start parameters, they apply to existing data directories too.
 */
export const EMBEDDED_PG_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
  wal_buffers: '4MB',
};

/** PGlite's own start parameters followed by `EMBEDDED_PG_SETTINGS` (later `-c` wins). */
export function pgliteOptions(): PGliteOptions {
  return {
    startParams: [
      ...PGlite.defaultStartParams,
      ...Object.entries(EMBEDDED_PG_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ],
  };
}
