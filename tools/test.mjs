#!/usr/bin/env node
// `npm test`: node tools/test.mjs [unit|int|e2e ...] [jest args...]   (no kind = all three)
//
// Provisions Kafka and Postgres once for the whole run when `int` or `e2e` is asked (the logic of
// libs/testing/src/global-setup.ts: environment, else Testcontainers, else the local broker of
// infra/kafka and the local Postgres), runs Jest with those projects, then stops what it started
// (a local broker is left running when it was already up, or while another run still uses it).
// Exits with Jest's exit code.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KINDS = ['unit', 'int', 'e2e'];

const argv = process.argv.slice(2);
const kinds = [];
while (argv.length > 0 && (KINDS.includes(argv[0]) || argv[0] === 'all')) {
  const kind = argv.shift();
  kinds.push(...(kind === 'all' ? KINDS : [kind]));
}
if (argv[0] === '--') argv.shift();
const selected = kinds.length > 0 ? [...new Set(kinds)] : KINDS;
const ci = process.env.CI === 'true' || process.env.CI === '1';

const log = (message) => process.stderr.write(`[test] ${message}\n`);

/** Node 24 for Jest: this process's Node when it is 24+, else the `node` devDependency. */
function nodeBinary() {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  const local = join(root, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(local)) return local;
  log(`Node ${process.version} is older than the project's 24; using it anyway`);
  return process.execPath;
}

async function main() {
  const env = { ...process.env };
  // kafkajs 2.2.4 on Node 23+ warns about a negative setTimeout (harmless, and on every request).
  // NestJS 12 ships as ES modules: Jest loads them only with the VM-modules flag.
  env.NODE_OPTIONS = [
    env.NODE_OPTIONS,
    '--disable-warning=TimeoutNegativeWarning',
    '--experimental-vm-modules',
    '--disable-warning=ExperimentalWarning',
  ]
    .filter(Boolean)
    .join(' ');

  let infra;
  if (selected.some((kind) => kind !== 'unit') && !(env.KAFKA_BROKERS && env.DATABASE_URL)) {
    const require = createRequire(import.meta.url);
    require('./register.cjs'); // runs the TypeScript global setup through SWC
    const { provisionTestInfra } = require('../libs/testing/src/global-setup.ts');
    const startedAt = Date.now();
    infra = await provisionTestInfra({ log });
    log(`infrastructure ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    env.KAFKA_BROKERS = infra.kafkaBrokers;
    env.DATABASE_URL = infra.databaseUrl;
  }

  const args = [
    join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--selectProjects',
    ...selected,
    '--maxWorkers=2',
    '--passWithNoTests',
    ...(ci ? ['--ci'] : []),
    // Jest reads testTimeout only globally, not from the projects of jest.config.js.
    ...(selected.some((kind) => kind !== 'unit') &&
    !argv.some((arg) => arg.startsWith('--testTimeout'))
      ? ['--testTimeout=60000']
      : []),
    '--json',
    `--outputFile=${resultsFile}`,
    ...argv,
  ];
  const child = spawn(nodeBinary(), args, { cwd: root, env, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise((resolve) => {
    child.on('error', (error) => {
      log(`could not run jest: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);

  if (infra) await infra.release();
  summarise();
  return code;
}

const resultsFile = join(tmpdir(), `llmgov-jest-${process.pid}.json`);

/** One plain closing line that any CI can read: `Tests: N passed, N failed, N skipped`. */
function summarise() {
  if (!existsSync(resultsFile)) return;
  try {
    const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
    process.stdout.write(
      `Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped\n`,
    );
  } finally {
    rmSync(resultsFile, { force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
