// Starts the embedded mode (all five services in this process: PGlite, in-process bus) for the
// peer benchmark (/work/shared/bench/peers/run.sh), in a temporary DATA_DIR, and sets the
// demo org's policy through the admin route to the one the gateway's standalone bench uses
// (PII redact, security scanner on, budgets and rate limits active but out of reach).
// Prints `KEY=<demo gateway key>` and `PID=<this process>` once explain allows a request under the bench policy.
//   OPENAI_BASE_URL=http://127.0.0.1:18080/v1 OPENAI_API_KEY=sk-mock PORT=18090 node -r ./tools/register.cjs apps/embedded/bench/bench-embedded.ts
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { startEmbedded } from '../src/embedded';
import { applyBenchPolicy } from './bench-policy';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-bench-'));
  const embedded = await startEmbedded(
    loadConfig({
      ...process.env,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      DEMO: 'on',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    }),
  );
  const base = `http://127.0.0.1:${embedded.port}`;
  const demo = embedded.demo!;
  // explain calls no provider (run.sh starts the mock upstream after this prints the key).
  await applyBenchPolicy(base, demo, 'gpt-4o-mini');
  process.stdout.write(`KEY=${demo.gateway_key}\nPID=${process.pid}\n`);
  const shutdown = () =>
    void embedded.stop().then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
