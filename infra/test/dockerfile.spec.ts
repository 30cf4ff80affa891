import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './manifests';

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

describe('infra/docker/Dockerfile', () => {
  const all = instructions(readFileSync(join(ROOT, 'infra', 'docker', 'Dockerfile'), 'utf8'));
  const lastFrom = all.map((i) => i.op).lastIndexOf('FROM');
  const runtime = all.slice(lastFrom);

  it('builds every stage from node:24-slim', () => {
    expect(all.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='))?.args).toBe('NODE_IMAGE=node:24-slim');
    for (const from of all.filter((i) => i.op === 'FROM')) expect(from.args).toMatch(/^\$\{NODE_IMAGE\} AS \w+$/);
  });

  it('installs production dependencies only, from the lockfile', () => {
    const installs = all.filter((i) => i.op === 'RUN' && /\bnpm (ci|install|i)\b/.test(i.args));
    expect(installs).toHaveLength(1);
    expect(installs[0].args).toMatch(/npm ci --omit=dev/);
  });

  it('takes the service as a build argument and runs it through the SWC register as a non-root user', () => {
    expect(runtime.some((i) => i.op === 'ARG' && i.args === 'SERVICE')).toBe(true);
    const user = runtime.filter((i) => i.op === 'USER').at(-1);
    expect(user?.args).toMatch(/^node(:node)?$/);
    const cmd = runtime.filter((i) => i.op === 'CMD').at(-1)?.args ?? '';
    expect(cmd).toContain('exec node -r ./tools/register.cjs');
    expect(cmd).toContain('apps/${SERVICE}/src/main.ts');
    expect(runtime.some((i) => i.op === 'HEALTHCHECK' && i.args.includes('/health/live'))).toBe(true);
  });

  it('ships no tests and no dev tooling into the runtime stage', () => {
    const prune = all.find((i) => i.op === 'RUN' && i.args.includes('*.spec.ts'));
    expect(prune?.args).toMatch(/rm -rf libs\/testing/);
    const copies = runtime.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toEqual(['--from=deps /app/node_modules node_modules', '--from=source /app ./']);
  });
});
