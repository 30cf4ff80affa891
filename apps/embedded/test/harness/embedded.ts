import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newSecret } from '@llmgov/service-kit';
import { freePort } from '@llmgov/testing';
import { loadConfig } from '../../src/config';
import { startEmbedded, type Embedded } from '../../src/embedded';

export interface EmbeddedUnderTest {
  /** `http://127.0.0.1:<port>`: every route of every service. */
  readonly base: string;
  readonly bootstrapKey: string;
  /** Its DATA_DIR (the event log, the database's URL file…). */
  readonly dataDir: string;
  readonly embedded: Embedded;
}

/**
 * Jest hooks for a describe block: the embedded mode (in-process bus, PGlite) on a free port
 * with a fresh DATA_DIR and a BOOTSTRAP_ADMIN_KEY, started in `beforeAll`, stopped and removed
 * in `afterAll`. `env` adds to its environment. Read the fields inside tests.
 */
export function useEmbedded(env: Record<string, string> = {}): EmbeddedUnderTest {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-embedded-'));
  const bootstrapKey = newSecret('msh');
  let embedded: Embedded | undefined;
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    embedded = await startEmbedded(
      loadConfig({
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        BOOTSTRAP_ADMIN_KEY: bootstrapKey,
        LOG_LEVEL: 'error',
        ...env,
      }),
    );
    base = `http://127.0.0.1:${port}`;
  }, 240_000);

  afterAll(async () => {
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  return {
    get base() {
      return base;
    },
    bootstrapKey,
    dataDir,
    get embedded() {
      if (!embedded) throw new Error('useEmbedded: read inside tests, after beforeAll');
      return embedded;
    },
  };
}
