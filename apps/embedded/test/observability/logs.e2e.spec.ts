import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@llmgov/testing';
import { newSecret } from '@llmgov/service-kit';
import { call } from '../walking-skeleton.scenario';
import {
  exitWithin,
  fakeOpenAi,
  runMain,
  stopProcess,
  waitReady,
  type FakeUpstream,
  type ServiceProcess,
} from './processes';

/**
 * The embedded mode as a process (`apps/embedded/src/main.ts`), everything it writes to
 * stdout and stderr captured at debug level, while requests carry a `gk_` key, the gateway
 * holds an `sk-` provider key, and prompts carry PII: none of them reaches the output.
 */
describe('logs — embedded mode process output', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-logs-'));
  const bootstrapKey = newSecret('msh');
  const providerKey = `sk-proj-${newSecret('gk').slice(3)}`;
  const prompt =
    'Quarterly plan for Zebulon Quartermaine: reach me at zebulon.q@example.com or +1 415 555 0134, IBAN DE89370400440532013000';
  const fragments = [
    'Zebulon',
    'Quartermaine',
    'zebulon.q@example.com',
    '415 555 0134',
    'DE89370400440532013000',
    'Quarterly plan',
  ];
  let upstream: FakeUpstream;
  let proc: ServiceProcess;
  let base: string;

  beforeAll(async () => {
    upstream = await fakeOpenAi();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = runMain('apps/embedded/src/main.ts', {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      BOOTSTRAP_ADMIN_KEY: bootstrapKey,
      DEMO: 'off',
      LOG_LEVEL: 'debug',
      OPENAI_API_KEY: providerKey,
      OPENAI_BASE_URL: upstream.url,
    });
    // A cold start compiles the sources through SWC; a loaded 2-core CI needs the margin.
    await waitReady(proc, `${base}/health/ready`, 60_000);
  }, 75_000);

  afterAll(async () => {
    await stopProcess(proc);
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('POST /v1/chat/completions with a gk_ key, an sk- upstream key and PII: no secret and no prompt text in the output', async () => {
    const org = await call(`${base}/governance/orgs`, {
      key: bootstrapKey,
      body: { name: 'Logs Inc', plan: 'growth' },
    });
    expect(org.status).toBe(201);
    const admin = (
      await call(`${base}/governance/keys`, {
        key: bootstrapKey,
        body: { kind: 'admin', role: 'owner', org_id: org.body.data.id },
      })
    ).body.data.key as string;
    const gk = (
      await call(`${base}/governance/keys`, {
        key: admin,
        body: { kind: 'gateway', name: 'logs-agent' },
      })
    ).body.data.key as string;
    expect(gk).toMatch(/^gk_/);
    // PII is let through to the upstream (warn), so the prompt travels the whole path.
    expect(
      (
        await call(`${base}/gateway/admin/governance/policy`, {
          method: 'PUT',
          key: admin,
          body: {
            pii_action: 'warn',
            pii_patterns: { email: 'warn', phone: 'warn', iban: 'warn' },
          },
        })
      ).status,
    ).toBe(200);
    const body = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: prompt }] };

    // The key and the settings reach the gateway as events (explain counts nothing).
    await waitFor(
      async () => {
        const res = await call(`${base}/v1/governance/explain`, { key: gk, body });
        expect({ decision: res.body.decision, by: res.body.decided_by }).toEqual({
          decision: 'allow',
          by: null,
        });
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    const answered = await call(`${base}/v1/chat/completions`, { key: gk, body });
    expect({ status: answered.status, error: answered.body.error }).toEqual({
      status: 200,
      error: undefined,
    });
    expect(answered.body.choices[0].message.content).toBe('fine, thanks');
    const streamed = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gk}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, model: 'mock/echo', stream: true }),
    });
    expect(await streamed.text()).toContain('Zebulon'); // the mock echoes the prompt to the client, not to the logs
    expect((await call(`${base}/v1/governance/explain`, { key: gk, body })).status).toBe(200);
    // A wrong gk_ key, an admin call with a wrong msh_ key: refusals are where secrets tend to leak.
    const wrongGk = newSecret('gk');
    expect((await call(`${base}/v1/chat/completions`, { key: wrongGk, body })).status).toBe(401);
    const wrongMsh = newSecret('msh');
    expect((await call(`${base}/governance/keys`, { key: wrongMsh })).status).toBe(401);

    // The upstream got the provider key and the prompt: both were in play in the process.
    expect(upstream.received.some((r) => r.authorization === `Bearer ${providerKey}`)).toBe(true);
    expect(upstream.received.some((r) => JSON.stringify(r.body).includes('Zebulon'))).toBe(true);

    // Let consumers and relays log whatever they log about these requests, then stop the process.
    await new Promise((r) => setTimeout(r, 500));
    proc.child.kill('SIGTERM');
    await exitWithin(proc, 10_000);
    const output = proc.output();
    expect(output).toContain('ready on'); // the capture works
    for (const secret of [gk, wrongGk, wrongMsh, admin, bootstrapKey, providerKey])
      expect(output).not.toContain(secret);
    expect(output).not.toMatch(/\b(?:gk|msh)_[A-Za-z0-9]{8,}/);
    expect(output).not.toMatch(/\bsk-[A-Za-z0-9_-]{8,}/);
    for (const fragment of fragments) expect(output).not.toContain(fragment);
  });
});
