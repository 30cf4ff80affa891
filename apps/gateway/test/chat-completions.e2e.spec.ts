import { request } from 'node:http';
import OpenAI from 'openai';
import { policyViolatedTopic, requestsTopic } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import {
  chunk,
  completion,
  fakeUpstream,
  startGateway,
  type FakeUpstream,
  type GatewayHarness,
  type Tenant,
} from './gateway-harness';

/** The same behaviour suite over both bus adapters: the policy arrives as a `policy.published` event. */
describe.each([['in-process'], ['kafka']] as const)(
  'POST /v1/chat/completions (%s bus)',
  (kind) => {
    let gw: GatewayHarness;
    let upstream: FakeUpstream;
    let growth: Tenant;
    let free: Tenant;
    const client = (t: Tenant, opts: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
      new OpenAI({ apiKey: t.secret, baseURL: `${gw.base}/v1`, maxRetries: 0, ...opts });

    beforeAll(async () => {
      upstream = await fakeUpstream();
      gw = await startGateway(kind, {
        OPENAI_API_KEY: 'sk-upstream-test-key-000000000000',
        OPENAI_BASE_URL: upstream.url,
      });
      growth = await gw.tenant({
        plan: 'growth',
        settings: { pii_patterns: { email: 'redact', api_key: 'redact' } },
      });
      free = await gw.tenant({ plan: 'free' });
    });
    afterAll(async () => {
      await gw?.close();
      await upstream?.close();
    });

    it('answers a non-streamed request with mock/echo and the governance headers', async () => {
      const { data, response } = await client(growth)
        .chat.completions.create({
          model: 'mock/echo',
          messages: [{ role: 'user', content: 'hello gateway' }],
        })
        .withResponse();
      expect(data.choices[0]!.message.content).toBe('hello gateway');
      expect(data.usage?.completion_tokens).toBeGreaterThan(0);
      for (const h of [
        'x-request-id',
        'x-governance-time-ms',
        'x-cost-usd',
        'x-daily-spend-usd',
        'x-daily-budget-usd',
        'x-policy-version',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
        'x-ratelimit-limit',
        'ratelimit-policy',
        'ratelimit',
      ]) {
        expect([h, response.headers.get(h)]).toEqual([h, expect.any(String)]);
      }
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
      expect(response.headers.get('x-policy-version')).toBe('1');
      expect(response.headers.get('ratelimit-policy')).toMatch(/^"default";q=\d+;w=60$/);
    });

    it('streams mock/echo with include_usage', async () => {
      const stream = await client(growth).chat.completions.create({
        model: 'mock/echo',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'one two three four' }],
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined = null;
      let finish: string | null = null;
      for await (const c of stream) {
        text += c.choices[0]?.delta?.content ?? '';
        finish = c.choices[0]?.finish_reason ?? finish;
        if (c.usage) usage = c.usage;
      }
      expect(text).toBe('one two three four');
      expect(finish).toBe('stop');
      expect(usage?.completion_tokens).toBe(5);
    });

    it('redacts PII before forwarding: mock/echo shows what the provider saw', async () => {
      const data = await client(growth).chat.completions.create({
        model: 'mock/echo',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'mail jane.doe@example.com now' }] },
        ],
      });
      expect(data.choices[0]!.message.content).toBe('mail [REDACTED:email] now');
    });

    it('passes tools, tool calls and multi-part content through an OpenAI-compatible upstream untouched', async () => {
      const tools = [
        {
          type: 'function' as const,
          function: {
            name: 'get_weather',
            description: 'Weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
            },
          },
        },
      ];
      const toolCalls = [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ];
      upstream.answer = () => ({ json: completion(null, { tool_calls: toolCalls }) });
      const content = [
        { type: 'text' as const, text: 'weather?' },
        { type: 'image_url' as const, image_url: { url: 'https://example.com/a.png' } },
      ];
      const data = await client(growth).chat.completions.create({
        model: 'gpt-4o-mini',
        tools,
        tool_choice: 'auto',
        messages: [{ role: 'user', content }],
      });
      expect(data.choices[0]!.message.tool_calls).toEqual(toolCalls);
      const sent = upstream.requests.at(-1)!;
      expect(sent.tools).toEqual(tools);
      expect(sent.tool_choice).toBe('auto');
      expect(sent.model).toBe('gpt-4o-mini');
      expect(sent.messages).toEqual([{ role: 'user', content }]);
    });

    it('redacts a secret split across two SSE chunks of the upstream answer', async () => {
      upstream.answer = () => ({
        sse: [
          chunk(''),
          chunk('Here is the key: sk-proj-ABCDEFGHIJ'),
          chunk('KLMNOPQRSTUVWXYZ0123456789 keep it safe.'),
          chunk(null, 'stop'),
          {
            ...chunk(null),
            choices: [],
            usage: { prompt_tokens: 8, completion_tokens: 12, total_tokens: 20 },
          },
        ],
      });
      const stream = await client(growth).chat.completions.create({
        model: 'gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: 'give me a key' }],
      });
      let text = '';
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      expect(text).toBe('Here is the key: [REDACTED:api_key] keep it safe.');
      expect(upstream.requests.at(-1)!.stream_options).toEqual({ include_usage: true });
    });

    it('refuses with the exact CONTRACT.md body: model_allowlist on the free plan', async () => {
      const res = await fetch(`${gw.base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${free.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { request_id: string };
      expect(body).toEqual({
        error: {
          message: "Policy violation: model_allowlist — model 'gpt-4o' is not in the allowed list",
          type: 'policy_violation',
          code: 'model_allowlist',
          param: null,
          step: 'model_access',
          remediation: 'Use one of: gpt-4o-mini, claude-3-5-haiku-20241022, mock/echo',
        },
        policy_id: `pdoc_${free.orgId.slice(4)}`,
        status: 403,
        request_id: res.headers.get('x-request-id'),
        policy_attribution: {
          policy_id: `pdoc_${free.orgId.slice(4)}`,
          policy_version: 1,
          signed_by: ['alice@example.com'],
          signature: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
          effective_date: '2026-04-01T00:00:00.000Z',
        },
      });
      await waitFor(
        () => {
          const v = gw.seen(policyViolatedTopic).find((e) => e.data.request_id === body.request_id);
          expect(v?.data).toMatchObject({
            code: 'model_allowlist',
            step: 'model_access',
            org_id: free.orgId,
            key_id: free.keyId,
            policy_version: 1,
          });
        },
        { timeoutMs: 15_000 },
      );
    });

    it('surfaces refusals through the openai client as APIError with the code', async () => {
      await expect(
        client(free).chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      ).rejects.toMatchObject({ status: 403, code: 'model_allowlist' });
    });

    it('answers 401 for a missing or unknown key', async () => {
      const res = await fetch(`${gw.base}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'missing_api_key',
      );
      await expect(
        new OpenAI({ apiKey: 'gk_nope', baseURL: `${gw.base}/v1`, maxRetries: 0 }).models.list(),
      ).rejects.toMatchObject({ status: 401 });
    });

    it('answers 400 for malformed JSON and names the invalid field', async () => {
      const post = (body: string) =>
        fetch(`${gw.base}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${growth.secret}`, 'content-type': 'application/json' },
          body,
        });
      const bad = await post('{"model":');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: unknown }).error).toMatchObject({
        code: 'invalid_json',
        type: 'invalid_request_error',
      });
      const missing = await post(JSON.stringify({ model: 'mock/echo', messages: 'nope' }));
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { error: unknown }).error).toMatchObject({
        code: 'invalid_request',
        param: 'messages',
      });
    });

    it('answers 413 body_too_large past the plan limit (free: 1 MB)', async () => {
      const res = await fetch(`${gw.base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${free.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'mock/echo',
          messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }],
        }),
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    });

    it('refuses an oversized declared body with 413 before reading it', async () => {
      const url = new URL(`${gw.base}/v1/chat/completions`);
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: {
              authorization: `Bearer ${free.secret}`,
              'content-type': 'application/json',
              'content-length': String(5 * 1024 * 1024),
            },
          },
          (r) => {
            let body = '';
            r.on('data', (c) => (body += c));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.write('{"model":"mock/echo"'); // 20 bytes of the 5 MB announced: the answer comes anyway
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({
        error: { code: 'body_too_large', step: 'request_limits' },
        status: 413,
      });
    });

    it('answers 503 with a clear body for a provider without a key', async () => {
      const res = await client(growth)
        .chat.completions.create({
          model: 'claude-haiku-4-5',
          messages: [{ role: 'user', content: 'hi' }],
        })
        .catch((e: unknown) => e);
      expect(res).toMatchObject({ status: 503, code: 'provider_unavailable' });
      expect(String((res as Error).message)).toContain('ANTHROPIC_API_KEY');
    });

    it('moves to the next model of the pool when the upstream fails with a 5xx', async () => {
      upstream.answer = () => ({ status: 500, json: { error: { message: 'boom' } } });
      const data = await client(growth).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'fallback please' }],
        fallbacks: ['mock/echo'],
      } as never);
      expect((data as OpenAI.ChatCompletion).choices[0]!.message.content).toBe('fallback please');
    });

    it('publishes request.completed with usage, cost and the decision trace, without prompt text', async () => {
      const { response } = await client(growth)
        .chat.completions.create({
          model: 'mock/echo',
          messages: [{ role: 'user', content: 'count my tokens please' }],
        })
        .withResponse();
      const id = response.headers.get('x-request-id');
      const done = await waitFor(
        () => {
          const e = gw
            .seen(requestsTopic)
            .find((x) => x.type === 'request.completed' && x.data.request_id === id);
          if (!e || e.type !== 'request.completed') throw new Error('not yet');
          return e;
        },
        { timeoutMs: 15_000 },
      );
      expect(done.data).toMatchObject({
        outcome: 'forwarded',
        http_status: 200,
        model: 'mock/echo',
        provider: 'mock',
        policy_version: 1,
      });
      expect(done.data.cost_micro_usd).toBeGreaterThan(0);
      expect(done.data.decision.map((d) => d.step)).toHaveLength(13);
      expect(JSON.stringify(done)).not.toContain('count my tokens');
    });

    it('publishes request.admitted (the reservation) while a slow request is in flight', async () => {
      upstream.answer = () => ({ json: completion('slow answer'), delayMs: 400 });
      const seenBefore = gw.seen(requestsTopic).length;
      const pending = client(growth)
        .chat.completions.create({
          model: 'gpt-4o-mini',
          max_tokens: 50,
          messages: [{ role: 'user', content: 'take your time' }],
        })
        .withResponse();
      const admitted = await waitFor(
        () => {
          const e = gw
            .seen(requestsTopic)
            .slice(seenBefore)
            .find((x) => x.type === 'request.admitted' && x.data.key_id === growth.keyId);
          if (!e || e.type !== 'request.admitted') throw new Error('not yet');
          return e;
        },
        { timeoutMs: 5_000 },
      );
      expect(admitted.data.reserved_micro_usd).toBeGreaterThan(0);
      const { response } = await pending;
      expect(admitted.data.request_id).toBe(response.headers.get('x-request-id'));
    });

    it('never writes a key to the logs', async () => {
      await client(growth).chat.completions.create({
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'hi' }],
      });
      await fetch(`${gw.base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${growth.secret}` },
        body: '{bad',
      });
      const all = gw.logs.lines.join('');
      for (const secret of [growth.secret, free.secret, 'sk-upstream-test-key-000000000000'])
        expect(all).not.toContain(secret);
    });
  },
);
