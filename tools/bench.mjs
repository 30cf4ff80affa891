#!/usr/bin/env node
// `npm run bench [name…]`: runs the benchmark scripts one after another and prints their figures.
// They need a real Kafka broker and Postgres: provisioned the way `npm test` does (environment,
// else Testcontainers, else the local broker of infra/kafka and the local Postgres).
// The side-by-side gateway benchmark against Portkey and a bare Node proxy is separate:
// `npm run bench:gateway` (apps/gateway/bench/run-peers.sh).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = {
  messaging: ['libs/messaging/bench/consume.bench.ts'],
  guardrails: ['apps/gateway/bench/guardrails.bench.ts', '2000'],
  producer: ['libs/messaging/bench/publish.bench.ts', '5000', '64'],
  'request-events': ['libs/messaging/bench/request-events.bench.ts', '20000', '20'],
  budget: ['apps/budget-ledger/bench/reservations.bench.ts'],
  admission: ['libs/budget/bench/admission.bench.ts', '200000'],
  audit: ['apps/audit/bench/ingest.bench.ts', '20000', '10'],
  embedded: ['apps/embedded/bench/ingest-replay.bench.ts', '5000'],
  retention: ['apps/embedded/bench/log-retention.bench.ts', '200000'],
  'embedded-live': ['apps/embedded/bench/live-ingest.bench.ts', '20', '64'],
  publish: ['apps/embedded/bench/publish-to-enforce.bench.ts', '200'],
  api: ['apps/gateway/bench/api-routes.bench.ts', '3000'],
  routing: ['apps/gateway/bench/deployments.bench.ts', '200000'],
  detectors: ['apps/gateway/bench/detectors.bench.ts'],
};
/** Benchmarks that need neither Kafka nor Postgres. */
const LOCAL = new Set(['detectors', 'retention']);
const asked = process.argv.slice(2);
const names = asked.length ? asked : Object.keys(BENCHES);
const unknown = names.filter((n) => !BENCHES[n]);
if (unknown.length) {
  process.stderr.write(
    `unknown bench: ${unknown.join(', ')} (known: ${Object.keys(BENCHES).join(', ')})\n`,
  );
  process.exit(2);
}

const require = createRequire(import.meta.url);
require('./register.cjs');
const { provisionTestInfra } = require('../libs/testing/src/global-setup.ts');
const infra =
  (process.env.KAFKA_BROKERS && process.env.DATABASE_URL) || names.every((n) => LOCAL.has(n))
    ? null
    : await provisionTestInfra({ log: (m) => process.stderr.write(`[bench] ${m}\n`) });
const env = {
  ...process.env,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--disable-warning=TimeoutNegativeWarning']
    .filter(Boolean)
    .join(' '),
};
if (infra)
  Object.assign(env, { KAFKA_BROKERS: infra.kafkaBrokers, DATABASE_URL: infra.databaseUrl });

let failed = 0;
for (const name of names) {
  const [script, ...args] = BENCHES[name];
  process.stdout.write(`\n## ${name} (${script})\n`);
  const run = spawnSync(process.execPath, ['-r', './tools/register.cjs', script, ...args], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  if (run.status !== 0) failed++;
}
if (infra) await infra.release();
process.exit(failed ? 1 : 0);
