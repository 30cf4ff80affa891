#!/usr/bin/env node
// Builds the web console (apps/console, React + Vite) into apps/console/dist.
// Runs as the root `postinstall`, so `npm install` / `npm ci` leave a built console behind
// with no extra command; `npm run build:console` runs it again after editing the console.
// A production install (`npm ci --omit=dev`, the Docker deps stage) has no Vite: it skips.
// CONSOLE_BUILD=off skips it too. Prints the initial JS (entry + preloaded chunks), gzipped.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = join(root, 'apps', 'console');

if (process.env.CONSOLE_BUILD === 'off') process.exit(0);
if (!existsSync(join(app, 'vite.config.mts'))) process.exit(0);
let vite;
try {
  vite = await import('vite');
} catch {
  console.log('console: Vite is not installed (production install); skipping the console build');
  process.exit(0);
}
await vite.build({ configFile: join(app, 'vite.config.mts'), logLevel: 'warn' });

const dist = join(app, 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const scripts = [
  ...html.matchAll(
    /<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/console\/([^"]+\.js)"/g,
  ),
].map((m) => m[1]);
const bytes = scripts.reduce(
  (sum, file) => sum + gzipSync(readFileSync(join(dist, file))).length,
  0,
);
console.log(
  `console: built apps/console/dist — initial JS ${(bytes / 1024).toFixed(1)} KB gzipped ` +
    `(${scripts.length} files; budget 300 KB)`,
);
