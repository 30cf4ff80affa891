import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

describe('the gateway owns no database', () => {
  // The gateway imports these libraries but owns no database: TypeORM (~3 MB of JavaScript,
  // ~20 MB of RSS) must load only when a data source is created (issue 14). Checked in a fresh
  // process, as the gateway starts, with the project's TypeScript hook (the libraries' entry
  // files by path: the hook rewrites the @llmgov aliases of compiled files, not of `-e` code).
  it('leaves TypeORM unloaded when @llmgov/service-kit and @llmgov/eventstore are imported', () => {
    const probe = [
      `const kit = require(${JSON.stringify(`${ROOT}/libs/service-kit/src/index.ts`)});`,
      `const eventstore = require(${JSON.stringify(`${ROOT}/libs/eventstore/src/index.ts`)});`,
      'const loaded = Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/]typeorm[\\\\/]/.test(f));',
      'console.log(JSON.stringify({ kit: typeof kit.refusalError, store: typeof eventstore.createDataSource, loaded: loaded.length }));',
    ].join('\n');
    const run = spawnSync(process.execPath, ['-r', './tools/register.cjs', '-e', probe], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(out).toEqual({ kit: 'function', store: 'function', loaded: 0 });
  });
});
