import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { approvalsTopic } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import {
  chunk,
  fakeUpstream,
  rule,
  startGateway,
  type FakeUpstream,
  type GatewayHarness,
  type Tenant,
} from './gateway-harness';

/** A stand-in for the approval service's consume route: grants `apr_ok…` once, denies the rest. */
async function fakeApprovals(): Promise<{
  url: string;
  calls: { id: string; auth: string; body: Record<string, unknown> }[];
  server: Server;
}> {
  const calls: { id: string; auth: string; body: Record<string, unknown> }[] = [];
  const used = new Set<string>();
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const c of req) raw += c;
    const id = decodeURIComponent(/\/approvals\/([^/]+)\/consume/.exec(req.url ?? '')?.[1] ?? '');
    calls.push({ id, auth: String(req.headers.authorization), body: JSON.parse(raw) });
    const ok = id.startsWith('apr_ok') && !used.has(id);
    used.add(id);
    res.writeHead(ok ? 200 : 409, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        ok
          ? { success: true, data: { status: 'consumed' } }
          : {
              success: false,
              error: { code: 'approval_denied', message: 'already used or rejected' },
            },
      ),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, server };
}

describe('gateway governance routes (in-process bus)', () => {
  let gw: GatewayHarness;
  let upstream: FakeUpstream;
  let approvals: Awaited<ReturnType<typeof fakeApprovals>>;
  let t: Tenant;
  const post = (
    path: string,
    secret: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${gw.base}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${secret}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    upstream = await fakeUpstream();
    approvals = await fakeApprovals();
    gw = await startGateway(
      'in-process',
      { OPENAI_API_KEY: 'sk-upstream-test-key-111111111111', OPENAI_BASE_URL: upstream.url },
      approvals.url,
    );
    t = await gw.tenant({
      plan: 'growth',
      settings: { key_rpm: 3, burst_pct: 0, daily_budget_usd: 100 },
      rules: [rule('require_approval', { environment: 'production' })],
    });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
    await new Promise((r) => approvals?.server.close(r));
  });

  describe('POST /v1/governance/explain', () => {
    it('returns the 13-step trace with verdict, policy, version and time, without calling a provider', async () => {
      const before = upstream.requests.length;
      const res = await post('/v1/governance/explain', t.secret, {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'card 4111-1111-1111-1111' }],
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        decision: string;
        decided_by: { step: string; code: string };
        steps: {
          number: number;
          step: string;
          verdict: string;
          policy_version: number;
          duration_ms: number;
        }[];
        policy: { policy_version: number };
      };
      expect(body.steps.map((s) => s.step)).toEqual([
        'authenticate',
        'request_limits',
        'risk_classification',
        'rate_limit',
        'agent_review',
        'provider_gate',
        'model_access',
        'routing_pool',
        'budget',
        'pii_scan',
        'content_safety',
        'security_scan',
        'hitl_gate',
      ]);
      expect(body.decision).toBe('block');
      expect(body.decided_by).toMatchObject({ step: 'pii_scan', code: 'pii_detected' });
      expect(body.steps[9]).toMatchObject({ number: 10, verdict: 'block', policy_version: 1 });
      expect(body.steps.every((s) => typeof s.duration_ms === 'number')).toBe(true);
      expect(upstream.requests.length).toBe(before);
    });

    it('counts nothing: explain does not use the rate limit', async () => {
      for (let i = 0; i < 5; i++)
        expect(
          (
            await post('/v1/governance/explain', t.secret, {
              model: 'mock/echo',
              messages: [{ role: 'user', content: 'hi' }],
            })
          ).status,
        ).toBe(200);
      const res = await post('/v1/chat/completions', t.secret, {
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(res.status).toBe(200);
    });
  });

  describe('GET /v1/models', () => {
    it('lists only the models the caller policy allows and whose provider is configured, in the OpenAI list shape', async () => {
      const free = await gw.tenant({ plan: 'free' });
      const list = await new OpenAI({
        apiKey: free.secret,
        baseURL: `${gw.base}/v1`,
        maxRetries: 0,
      }).models.list();
      // The free plan also allows claude-3-5-haiku, but no ANTHROPIC_API_KEY is set here: calling it would answer 503.
      expect(list.data.map((m) => m.id).sort()).toEqual(['gpt-4o-mini', 'mock/echo']);
      expect(list.data[0]).toMatchObject({ object: 'model', owned_by: expect.any(String) });
    });
  });

  describe('POST /v1/chat/completions — HITL', () => {
    it('holds a production agent request: 202 with approval id, x-approval-id, and approval.requested published', async () => {
      const res = await post('/v1/chat/completions', t.agentSecret, {
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'deploy it' }],
      });
      expect(res.status).toBe(202);
      const body = (await res.json()) as {
        approval_id: string;
        status: string;
        expires_at: string;
        poll_url: string;
      };
      expect(body).toMatchObject({
        approval_id: expect.stringMatching(/^apr_/),
        status: 'pending',
        poll_url: `/approvals/${body.approval_id}`,
      });
      expect(res.headers.get('x-approval-id')).toBe(body.approval_id);
      await waitFor(() => {
        const e = gw.seen(approvalsTopic).find((x) => x.data.approval_id === body.approval_id);
        expect(e?.type).toBe('approval.requested');
        expect(e?.data).toMatchObject({
          org_id: t.orgId,
          agent_id: t.agentId,
          environment: 'production',
          trigger: { kind: 'require_approval' },
          fingerprint: expect.stringMatching(/^sha256:/),
        });
      });
    });

    it('forwards an approved retry once, consuming the approval with the caller key and the fingerprint', async () => {
      const request = { model: 'mock/echo', messages: [{ role: 'user', content: 'deploy it' }] };
      const first = await post('/v1/chat/completions', t.agentSecret, request, {
        'x-approval-id': 'apr_ok_1',
      });
      expect(first.status).toBe(200);
      expect(approvals.calls.at(-1)).toMatchObject({
        id: 'apr_ok_1',
        auth: `Bearer ${t.agentSecret}`,
        body: {
          fingerprint: expect.stringMatching(/^sha256:/),
          request_id: first.headers.get('x-request-id'),
        },
      });
      const again = await post('/v1/chat/completions', t.agentSecret, request, {
        'x-approval-id': 'apr_ok_1',
      });
      expect(again.status).toBe(403);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe(
        'approval_denied',
      );
    });
  });

  describe('POST /v1/chat/completions — rate limit', () => {
    it('answers 429 with Retry-After and the rate-limit headers past the key RPM', async () => {
      const other = await gw.tenant({ plan: 'growth', settings: { key_rpm: 2, burst_pct: 0 } });
      const send = () =>
        post('/v1/chat/completions', other.secret, {
          model: 'mock/echo',
          messages: [{ role: 'user', content: 'hi' }],
        });
      expect((await send()).status).toBe(200);
      const second = await send();
      expect(second.headers.get('ratelimit-remaining')).toBe('0');
      expect(second.headers.get('ratelimit')).toMatch(/^"default";r=0;t=\d+$/);
      const third = await send();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(
        ((await third.json()) as { error: { code: string; step: string } }).error,
      ).toMatchObject({ code: 'rate_limit', step: 'rate_limit' });
    });
  });

  describe('POST /v1/chat/completions — streamed budget', () => {
    it('cuts a stream whose running cost would pass what the budget leaves, with a final content_filter chunk and an error event', async () => {
      const tight = await gw.tenant({ plan: 'growth', settings: { daily_budget_usd: 0.0001 } }); // 100 micro-dollars
      // gpt-4o-mini: $0.6 / M output tokens; max_tokens 10 reserves ~ 15 µ$; the upstream ignores it and keeps talking.
      upstream.answer = () => ({
        sse: [
          chunk(''),
          ...Array.from({ length: 60 }, () => chunk('word '.repeat(200))),
          chunk(null, 'stop'),
        ],
      });
      const res = await post('/v1/chat/completions', tight.secret, {
        model: 'gpt-4o-mini',
        stream: true,
        max_tokens: 10,
        messages: [{ role: 'user', content: 'talk' }],
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      const events = text
        .split('\n\n')
        .filter(Boolean)
        .map((e) => e.replace(/^data: /, ''));
      expect(events.at(-1)).toBe('[DONE]');
      const error = JSON.parse(events.at(-2)!) as { error: { code: string } };
      expect(error.error.code).toBe('budget_limit');
      const final = JSON.parse(events.at(-3)!) as { choices: { finish_reason: string }[] };
      expect(final.choices[0]!.finish_reason).toBe('content_filter');
      expect(events.length).toBeLessThan(60);
    });
  });
});
