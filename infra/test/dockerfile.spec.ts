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
    expect(all.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='))?.args).toBe(
      'NODE_IMAGE=node:24-slim',
    );
    // Each stage starts from the image or from an earlier stage (the build and pruned
    // dependencies start from `deps`), so every one is node:24-slim underneath.
    const stages: string[] = [];
    for (const from of all.filter((i) => i.op === 'FROM')) {
      const [base, , name] = from.args.split(' ');
      expect(['${NODE_IMAGE}', ...stages]).toContain(base);
      stages.push(name);
    }
  });

  it('runs node with the memory settings docs/benchmarks.md measured (young generation, malloc trim threshold)', () => {
    const env = runtime
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/\bNODE_OPTIONS=--max-semi-space-size=8\b/);
    expect(env).toMatch(/\bGLIBC_TUNABLES=glibc\.malloc\.trim_threshold=131072\b/);
    // npm start runs the embedded process the same way.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    expect(pkg.scripts.start).toMatch(
      /GLIBC_TUNABLES=glibc\.malloc\.trim_threshold=131072 node .*--max-semi-space-size=8 dist\/apps\/embedded\/main\.js$/,
    );
  });

  it('installs production dependencies only, from the lockfile', () => {
    const installs = all.filter((i) => i.op === 'RUN' && /\bnpm (ci|install|i)\b/.test(i.args));
    expect(installs).toHaveLength(1);
    expect(installs[0].args).toMatch(/npm ci --omit=dev/);
  });

  it('takes the service as a build argument and runs its compiled entry point, no compiler, as a non-root user', () => {
    expect(runtime.some((i) => i.op === 'ARG' && i.args === 'SERVICE')).toBe(true);
    const user = runtime.filter((i) => i.op === 'USER').at(-1);
    expect(user?.args).toMatch(/^node(:node)?$/);
    const cmd = runtime.filter((i) => i.op === 'CMD').at(-1)?.args ?? '';
    expect(cmd).toContain('exec node --enable-source-maps \\"dist/apps/${SERVICE}/main.js\\"');
    expect(cmd).not.toMatch(/register|\.ts\b|swc/);
    expect(runtime.some((i) => i.op === 'HEALTHCHECK' && i.args.includes('/health/live'))).toBe(
      true,
    );
  });

  it('compiles in a build stage with tools/build.mjs and ships production dependencies without SWC', () => {
    const build = all.slice(all.findIndex((i) => i.op === 'FROM' && i.args.endsWith('AS build')));
    expect(build.some((i) => i.op === 'RUN' && i.args === 'node tools/build.mjs')).toBe(true);
    const prune = all.find((i) => i.op === 'RUN' && i.args.includes('node_modules/@swc/core'));
    expect(prune?.args).toMatch(
      /^rm -rf node_modules\/@swc\/core node_modules\/@swc\/core-\* node_modules\/@swc-node/,
    );
  });

  it('ships no sources, tests or dev tooling into the runtime stage: compiled dist/ and pruned dependencies only', () => {
    const keep = all.find((i) => i.op === 'RUN' && i.args.includes('dist/apps/${SERVICE}/main.js'));
    const others =
      'find dist/apps -mindepth 1 -maxdepth 1 -type d ! -name "${SERVICE}" -exec rm -rf {} +';
    expect(keep?.args).toContain(others);
    const copies = runtime.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toEqual([
      '--from=runtime-deps /app/node_modules node_modules',
      '--from=build /app/package.json ./',
      '--from=build /app/dist dist',
      '--from=build /app/console apps/console',
    ]);
  });

  it('keeps the built web console only in the images that serve it (policy-registry, embedded)', () => {
    const keep = all.find((i) => i.op === 'RUN' && i.args.includes('dist/apps/${SERVICE}/main.js'));
    expect(keep?.args).toContain(
      'if [ "${SERVICE}" = "embedded" ] || [ "${SERVICE}" = "policy-registry" ]; then cp -r apps/console/dist console/dist; fi',
    );
  });
});
