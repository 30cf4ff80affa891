#!/usr/bin/env node
// Start-up time and idle memory of the compiled services (`npm run build` first), issue 14:
//   node tools/memory.mjs gateway [runs]    dist/apps/gateway/main.js on KAFKA_BROKERS (standalone)
//   node tools/memory.mjs embedded [runs]   dist/apps/embedded/main.js (PGlite, in-process bus)
//   node tools/memory.mjs audit [runs]      any other service alike (KAFKA_BROKERS, DATABASE_URL)
// Each run spawns the process, times the first 200 of /health/live and /health/ready, waits
// IDLE_S (default 5) seconds, then reads RSS from /proc and process.memoryUsage() after a full
// GC through tools/memory-probe.cjs. The embedded runs share one DATA_DIR, created by a first
// unmeasured start, so they measure a restart, not initdb. NODE_FLAGS replaces the
// node flags (default as deployed: --enable-source-maps --max-semi-space-size=8; GLIBC_TUNABLES as
// the image sets it). SNAPSHOT=1 also writes
// a heap snapshot per run and prints its self size by constructor (top 15).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [mode = 'gateway', runsArg = '3'] = process.argv.slice(2);
const entry = `dist/apps/${mode}/main.js`;
if (!existsSync(join(root, entry))) throw new Error(`no ${entry}: npm run build first`);
// As `npm start` and the image (its NODE_OPTIONS) run them; NODE_FLAGS to compare.
const nodeFlags = (process.env.NODE_FLAGS ?? '--enable-source-maps --max-semi-space-size=8')
  .split(' ')
  .filter(Boolean);
const idleMs = Number(process.env.IDLE_S ?? 5) * 1000;
const dir = mkdtempSync(join(tmpdir(), 'llmgov-memory-'));
const port = 20000 + Math.floor(Math.random() * 20000);
const env = {
  // The malloc trim threshold the image and `npm start` set (GLIBC_TUNABLES='' to compare).
  GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=131072',
  ...process.env,
  PORT: String(port),
  DATA_DIR: join(dir, 'data'),
  TOPIC_PREFIX: process.env.TOPIC_PREFIX ?? `memory-${process.pid}.`,
  MEMORY_PROBE_OUT: join(dir, 'usage.json'),
};

async function until(path, started, child) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}${path}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return performance.now() - started;
    await sleep(20);
  }
}

async function run(snapshot) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--expose-gc', '-r', './tools/memory-probe.cjs', ...nodeFlags, entry],
    { cwd: root, env: { ...env, MEMORY_PROBE_SNAPSHOT: snapshot ?? '' }, stdio: 'ignore' },
  );
  const live = await until('/health/live', started, child);
  const ready = await until('/health/ready', started, child);
  await sleep(idleMs);
  const rss =
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024;
  rmSync(env.MEMORY_PROBE_OUT, { force: true });
  child.kill('SIGUSR2');
  let usage;
  while (!usage) {
    await sleep(100);
    try {
      usage = JSON.parse(readFileSync(env.MEMORY_PROBE_OUT, 'utf8'));
    } catch {
      // not written yet
    }
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return { live, ready, rss, ...usage };
}

/** Self size by constructor, the way DevTools' summary view groups a snapshot. */
function summarise(file) {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const [t, n, s] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const by = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + t]];
    const key = type === 'object' || type === 'native' ? strings[nodes[i + n]] : `(${type})`;
    by.set(key, (by.get(key) ?? 0) + nodes[i + s]);
  }
  return [...by].sort((a, b) => b[1] - a[1]).slice(0, 15);
}

const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
if (mode === 'embedded') await run(); // initdb and first migrations, not measured
const results = [];
for (let i = 0; i < Number(runsArg); i++) {
  const snapshot = process.env.SNAPSHOT ? join(dir, `run-${i}.heapsnapshot`) : undefined;
  const r = await run(snapshot);
  results.push(r);
  console.log(
    `run ${i + 1}: live ${r.live.toFixed(0)} ms, ready ${r.ready.toFixed(0)} ms, rss ${mb(r.rss)}, ` +
      `heap used ${mb(r.heapUsed)} of ${mb(r.heapTotal)}, external ${mb(r.external)} ` +
      `(array buffers ${mb(r.arrayBuffers)})`,
  );
  if (snapshot)
    for (const [k, v] of summarise(snapshot)) console.log(`  ${mb(v).padStart(9)}  ${k}`);
}
const m = (k) => median(results.map((r) => r[k]));
console.log(
  `median of ${results.length} (${mode}): live ${m('live').toFixed(0)} ms, ready ${m('ready').toFixed(0)} ms, ` +
    `rss ${mb(m('rss'))}, heap used ${mb(m('heapUsed'))}, external ${mb(m('external'))}, ` +
    `array buffers ${mb(m('arrayBuffers'))}`,
);
rmSync(dir, { recursive: true, force: true });
