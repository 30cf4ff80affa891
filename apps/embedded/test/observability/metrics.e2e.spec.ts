import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@llmgov/testing';
import { newSecret } from '@llmgov/service-kit';
import { loadConfig } from '../../src/config';
import { startEmbedded, type Embedded } from '../../src/embedded';
import { call } from '../walking-skeleton.scenario';

/** One sample line of a Prometheus text scrape: `name{labels} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseScrape(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[k] = v;
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

/** The samples of `name` whose labels include `labels`. */
const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );

/**
 * `GET /metrics` of the embedded mode after real traffic: an allowed, a streamed, a 403, a
 * held (202) and a 429 request through the gateway. Every metric the operations runbook
 * (docs/deploying.md) names is there, by name and labels, with the values that traffic made.
 */
describe('GET /metrics — embedded mode after traffic', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-metrics-'));
  const bootstrapKey = newSecret('msh');
  let embedded: Embedded;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    embedded = await startEmbedded(
      loadConfig({
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        BOOTSTRAP_ADMIN_KEY: bootstrapKey,
        LOG_LEVEL: 'error',
        DEMO: 'off',
      }),
    );
    base = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts requests by outcome/step/code, times steps and upstream, prices tokens, and reports policy version, approvals pending and outbox backlog', async () => {
    const org = await call(`${base}/governance/orgs`, {
      key: bootstrapKey,
      body: { name: 'Metrics Inc', plan: 'growth' },
    });
    expect(org.status).toBe(201);
    const orgId: string = org.body.data.id;
    const admin = (
      await call(`${base}/governance/keys`, {
        key: bootstrapKey,
        body: { kind: 'admin', role: 'owner', org_id: orgId },
      })
    ).body.data.key as string;
    const gk = (
      await call(`${base}/governance/keys`, {
        key: admin,
        body: { kind: 'gateway', name: 'metrics-agent' },
      })
    ).body.data.key as string;
    expect(
      (
        await call(`${base}/gateway/admin/governance/policy`, {
          method: 'PUT',
          key: admin,
          body: { key_rpm: 5, burst_pct: 0 },
        })
      ).status,
    ).toBe(200);
    const allow = await call(`${base}/governance/policies`, {
      key: admin,
      body: {
        name: 'echo-only',
        policy_type: 'model_allowlist',
        config: { allowed_models: ['mock/echo', 'mock/echo-unrated'] },
        scope: 'global',
        enabled: true,
      },
    });
    expect(allow.status).toBe(201);
    const hold = await call(`${base}/governance/policies`, {
      key: admin,
      body: {
        name: 'hold-unrated',
        policy_type: 'require_approval',
        config: { models: ['mock/echo-unrated'] },
        scope: 'global',
        enabled: true,
      },
    });
    expect(hold.status).toBe(201);

    const chat = (model: string, extra: Record<string, unknown> = {}) =>
      fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gk}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model,
          messages: [{ role: 'user', content: 'count me' }],
          ...extra,
        }),
      });

    // The rules reach the gateway as events: wait (through explain, which counts nothing)
    // until the unrated model is held; then six requests, the key's RPM being 5.
    await waitFor(
      async () => {
        const res = await call(`${base}/v1/governance/explain`, {
          key: gk,
          body: { model: 'mock/echo-unrated', messages: [{ role: 'user', content: 'count me' }] },
        });
        expect(res.body.decision).toBe('needs_approval');
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    const held = await chat('mock/echo-unrated');
    expect(held.status).toBe(202);
    await held.text();
    const refused = await chat('mock/echo-premium');
    expect(refused.status).toBe(403);
    await refused.text();
    const allowed = await chat('mock/echo');
    expect(allowed.status).toBe(200);
    const policyVersion = Number(allowed.headers.get('x-policy-version'));
    expect(policyVersion).toBeGreaterThan(0);
    await allowed.text();
    const streamed = await chat('mock/echo', { stream: true });
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain('data: [DONE]');
    // The fifth request this minute fills the key's RPM (5); the sixth is refused with 429.
    const fifth = await chat('mock/echo');
    expect(fifth.status).toBe(200);
    await fifth.text();
    const limited = await chat('mock/echo');
    expect(limited.status).toBe(429);
    await limited.text();

    const scrape = await waitFor(
      async () => {
        const res = await fetch(`${base}/metrics`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        const samples = parseScrape(await res.text());
        // The held request's approval is stored by the approval workflow once its event arrives.
        expect(find(samples, 'approvals_pending')[0]?.value).toBeGreaterThanOrEqual(1);
        return samples;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );

    // Requests by outcome, deciding step and code (other tests in this process may add to them: at least).
    expect(
      find(scrape, 'gateway_requests_total', { outcome: 'allowed', step: 'none', code: 'none' })[0]
        ?.value,
    ).toBeGreaterThanOrEqual(3);
    expect(
      find(scrape, 'gateway_requests_total', {
        outcome: 'refused',
        step: 'model_access',
        code: 'model_allowlist',
      })[0]?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(
      find(scrape, 'gateway_requests_total', {
        outcome: 'refused',
        step: 'rate_limit',
        code: 'rate_limit',
      })[0]?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(
      find(scrape, 'gateway_requests_total', {
        outcome: 'held',
        step: 'hitl_gate',
        code: 'approval_required',
      })[0]?.value,
    ).toBeGreaterThanOrEqual(1);

    // Step durations (sampled 1 in 8 requests: the first request of the process is sampled) and the whole chain.
    expect(find(scrape, 'gateway_step_duration_seconds_count').length).toBeGreaterThan(0);
    expect(
      find(scrape, 'gateway_step_duration_seconds_count', { step: 'authenticate' })[0]?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(find(scrape, 'gateway_chain_duration_seconds_count')[0]?.value).toBeGreaterThanOrEqual(
      6,
    );

    // Upstream latency, tokens and cost of the three forwarded requests (JSON and streamed).
    expect(
      find(scrape, 'gateway_upstream_duration_seconds_count', {
        provider: 'mock',
        model: 'mock/echo',
        outcome: 'ok',
      })[0]?.value,
    ).toBeGreaterThanOrEqual(3);
    expect(
      find(scrape, 'gateway_tokens_total', {
        provider: 'mock',
        model: 'mock/echo',
        type: 'input',
      })[0]?.value,
    ).toBeGreaterThan(0);
    expect(
      find(scrape, 'gateway_tokens_total', {
        provider: 'mock',
        model: 'mock/echo',
        type: 'output',
      })[0]?.value,
    ).toBeGreaterThan(0);
    expect(
      find(scrape, 'gateway_cost_micro_usd_total', { provider: 'mock', model: 'mock/echo' })[0]
        ?.value,
    ).toBeGreaterThan(0);

    // GenAI semantic-convention token usage histogram (one observation per forwarded request and token type).
    const genAi = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'mock' };
    expect(
      find(scrape, 'gen_ai_client_token_usage_count', {
        ...genAi,
        gen_ai_token_type: 'input',
      }).reduce((n, s) => n + s.value, 0),
    ).toBeGreaterThanOrEqual(3);
    expect(
      find(scrape, 'gen_ai_client_token_usage_count', {
        ...genAi,
        gen_ai_token_type: 'output',
      }).reduce((n, s) => n + s.value, 0),
    ).toBeGreaterThanOrEqual(3);
    expect(
      find(scrape, 'gen_ai_client_operation_duration_seconds_count', genAi).length,
    ).toBeGreaterThan(0);

    // Orgs with a policy in force at the gateway; no series names an org (issue 17: /metrics is unauthenticated).
    expect(find(scrape, 'gateway_policy_orgs_in_force')[0]?.value).toBeGreaterThanOrEqual(1);
    expect(
      scrape.filter((s) => Object.values(s.labels).includes(orgId) || 'org_id' in s.labels),
    ).toEqual([]);

    // Outbox backlog per service (the registry, ledger and approval workflow relays), drained.
    for (const service of ['policy_registry', 'budget_ledger', 'approval_workflow']) {
      expect(find(scrape, 'eventstore_outbox_backlog', { service })).toHaveLength(1);
    }
    await waitFor(
      async () => {
        const samples = parseScrape(await (await fetch(`${base}/metrics`)).text());
        for (const service of ['policy_registry', 'budget_ledger', 'approval_workflow'])
          expect(find(samples, 'eventstore_outbox_backlog', { service })[0]?.value).toBe(0);
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );

    // No scrape-time observer failed.
    expect(find(scrape, 'telemetry_observer_errors_total').filter((s) => s.value > 0)).toEqual([]);
  });
});
