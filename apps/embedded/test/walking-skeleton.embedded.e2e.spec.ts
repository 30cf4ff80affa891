import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@llmgov/testing';
import { newSecret } from '@llmgov/service-kit';
import { loadConfig } from '../src/config';
import { startEmbedded, type Embedded } from '../src/embedded';
import { call, runWalkingSkeleton } from './walking-skeleton.scenario';

describe('walking skeleton — embedded mode (in-process bus, PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-embedded-'));
  const bootstrapKey = newSecret('msh');
  let embedded: Embedded;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    embedded = await startEmbedded(loadConfig({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: bootstrapKey, LOG_LEVEL: 'error' }));
    base = `http://127.0.0.1:${port}`;
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('GET /health/ready answers 200 once every service is up', async () => {
    const ready = await call(`${base}/health/ready`);
    expect({ status: ready.status, body: ready.body }).toEqual({ status: 200, body: { status: 'ready', checks: {} } });
  });

  it('the demo org is created at start and its gateway key gets a chat completion from the mock provider', async () => {
    expect(embedded.demo?.gateway_key).toMatch(/^gk_/);
    const res = await call(`${base}/v1/chat/completions`, {
      key: embedded.demo!.gateway_key,
      body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hello demo' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe('hello demo');
  });

  it('org → key → model_allowlist policy → 403 at the gateway → audit and ledger see the events', async () => {
    const urls = { gateway: base, registry: base, ledger: base, audit: base };
    await runWalkingSkeleton(urls, bootstrapKey);
  });
});
