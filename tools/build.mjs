#!/usr/bin/env node
// `npm run build`: compiles every app and lib to CommonJS JavaScript in dist/, with source maps,
// through @swc/core's API (a regular dependency; no CLI needed), the options tools/register.cjs
// uses (decorator metadata for Nest's DI, class fields as tsconfig says). Layout:
//   apps/<app>/src/<file>.ts → dist/apps/<app>/<file>.js   (entry: dist/apps/<app>/main.js)
//   libs/<lib>/src/<file>.ts → dist/libs/<lib>/<file>.js
// The @llmgov/* aliases of tsconfig.base.json become relative requires, so `node dist/…` runs
// with no compiler and no resolver loaded. Tests, benches and libs/testing are left out.
// Types are checked separately (`npm run typecheck`): SWC strips them, as it does at dev time.
//
//   node tools/build.mjs              clean build
//   node tools/build.mjs --if-stale   only when a source is newer than the last build (npm start)
import { createRequire } from 'node:module';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const stamp = join(out, '.build-stamp');
const require = createRequire(import.meta.url);

const SKIP_DIRS = new Set(['test', 'bench', 'node_modules']);
const SKIP_FILE = /\.(spec|int\.spec|e2e\.spec|bench|behaviour)\.ts$|\.d\.ts$|\.fixture\.ts$/;
/** Data files beside the sources that code reads at run time are copied as they are. */
const ASSET = /\.(json|ya?ml|sql|jsonl)$/;
// The web console (apps/console) is built by Vite (tools/build-console.mjs), not here.
const SKIP_PACKAGES = new Set(['libs/testing', 'apps/console']);

/** `apps/gateway/src/forward/x.ts` → `dist/apps/gateway/forward/x.js`. */
export const outputOf = (source) =>
  join(out, source.replace(/^(apps|libs)\/([^/]+)\/src\//, '$1/$2/').replace(/\.ts$/, '.js'));

function sourcesOf() {
  const files = [];
  for (const kind of ['apps', 'libs']) {
    for (const pkg of readdirSync(join(root, kind))) {
      const src = join(kind, pkg, 'src');
      if (SKIP_PACKAGES.has(`${kind}/${pkg}`) || !existsSync(join(root, src))) continue;
      walk(src, files);
    }
  }
  return files;
}

function walk(dir, files) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(path, files);
    } else if (
      (entry.name.endsWith('.ts') && !SKIP_FILE.test(entry.name)) ||
      ASSET.test(entry.name)
    ) {
      files.push(path);
    }
  }
}

/** The @llmgov/* aliases, each to the dist file its source compiles to. */
function aliases() {
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
  return new Map(
    Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, outputOf(target)]),
  );
}

function swcOptions(source) {
  return {
    filename: join(root, source),
    sourceFileName: relative(dirname(outputOf(source)), join(root, source))
      .split(sep)
      .join('/'),
    sourceMaps: true,
    module: { type: 'commonjs', strictMode: true },
    jsc: {
      parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
      target: 'es2023',
      keepClassNames: true,
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    swcrc: false,
    configFile: false,
  };
}

async function compile(source, swc, alias) {
  const target = outputOf(source);
  mkdirSync(dirname(target), { recursive: true });
  if (!source.endsWith('.ts')) {
    cpSync(join(root, source), target.replace(/\.js$/, source.slice(source.lastIndexOf('.'))));
    return;
  }
  const { code, map } = await swc.transform(
    readFileSync(join(root, source), 'utf8'),
    swcOptions(source),
  );
  // Same line count before and after, so the source map stays exact line by line.
  const rewritten = code.replace(
    /require\("(@llmgov\/[a-z-]+(?:\/[a-z-]+)?)"\)/g,
    (whole, name) => {
      const file = alias.get(name);
      if (!file) throw new Error(`${source}: unknown alias ${name}`);
      let path = relative(dirname(target), file).split(sep).join('/').replace(/\.js$/, '');
      if (!path.startsWith('.')) path = `./${path}`;
      return `require(${JSON.stringify(path)})`;
    },
  );
  const mapName = `${target.slice(target.lastIndexOf(sep) + 1)}.map`;
  writeFileSync(target, `${rewritten}\n//# sourceMappingURL=${mapName}\n`);
  writeFileSync(`${target}.map`, map);
}

function newestSource(files) {
  let newest = statSync(join(root, 'tsconfig.base.json')).mtimeMs;
  for (const f of files) newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  return newest;
}

async function main() {
  const started = process.hrtime.bigint();
  const files = sourcesOf();
  if (
    process.argv.includes('--if-stale') &&
    existsSync(stamp) &&
    statSync(stamp).mtimeMs >= newestSource(files)
  )
    return;
  const swc = require('@swc/core');
  const alias = aliases();
  rmSync(out, { recursive: true, force: true });
  // A few at a time: SWC transforms on its own threads; the machine has few cores.
  const queue = [...files];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) await compile(f, swc, alias);
    }),
  );
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stderr.write(`build: ${files.length} files → dist/ in ${Math.round(ms)} ms\n`);
}

main().catch((error) => {
  process.stderr.write(`build failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
