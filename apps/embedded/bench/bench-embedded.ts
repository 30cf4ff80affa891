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

const settings = {
  rate_limit_rpm: 10_000_000,
  key_rpm: 10_000_000,
  daily_request_quota: 1_000_000_000,
  daily_budget_usd: 1_000_000,
  per_request_limit_usd: 100,
  hitl_cost_threshold_usd: null,
  pii_scanning_enabled: true,
  pii_action: 'redact',
  pii_patterns: {
    api_key: 'redact',
    password: 'redact',
    email: 'redact',
    ssn: 'redact',
    credit_card: 'redact',
    phone: 'redact',
    jwt: 'redact',
    private_key: 'redact',
    iban: 'redact',
  },
  security_scanner: { enabled: true, sensitivity: 'medium' },
};

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
  const put = await fetch(`${base}/gateway/admin/governance/policy`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${demo.admin_key}`, 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  if (!put.ok)
    throw new Error(
      `PUT /gateway/admin/governance/policy answered ${put.status} ${await put.text()}`,
    );
  // explain calls no provider (run.sh starts the mock upstream after this prints the key).
  const body = JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'ping' }],
    max_tokens: 4,
  });
  let last = '';
  for (let i = 0; i < 600 && !last.startsWith('ok'); i++) {
    const res = await fetch(`${base}/v1/governance/explain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demo.gateway_key}`, 'content-type': 'application/json' },
      body,
    });
    const json = (await res.json()) as { decision?: string; policy?: { policy_version?: number } };
    last = `${res.status === 200 && json.decision === 'allow' && (json.policy?.policy_version ?? 0) >= 2 ? 'ok' : 'waiting'} ${res.status} ${JSON.stringify(json).slice(0, 300)}`;
    if (!last.startsWith('ok')) await new Promise((r) => setTimeout(r, 100));
  }
  if (!last.startsWith('ok'))
    throw new Error(`embedded gateway not serving the demo key with the bench policy: ${last}`);
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
