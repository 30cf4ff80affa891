import { policyViolatedTopic } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import {
  fakeUpstream,
  startGateway,
  type FakeUpstream,
  type GatewayHarness,
  type Tenant,
} from './gateway-harness';

/**
 * The gateway's small trust defects (issue 17, item 17): what a client learns from a bad model
 * name, an upstream error or `/docs`, and what `policy.violated` says about the provider.
 */
describe.each([['in-process'], ['kafka']] as const)('gateway answers and docs (%s bus)', (kind) => {
  let gw: GatewayHarness;
  let upstream: FakeUpstream;
  let t: Tenant;
  let openaiOnly: Tenant;
  const post = (secret: string, body: unknown) =>
    fetch(`${gw.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const ask = (model: string) =>
    post(t.secret, { model, messages: [{ role: 'user', content: 'hi' }] });

  beforeAll(async () => {
    upstream = await fakeUpstream();
    gw = await startGateway(kind, {
      OPENAI_API_KEY: 'sk-upstream-test-key-222222222222',
      OPENAI_BASE_URL: upstream.url,
    });
    t = await gw.tenant({ plan: 'growth' });
    openaiOnly = await gw.tenant({ plan: 'growth', deployer: { allowed_providers: ['openai'] } });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it.each([
    ['an unknown provider', 'nosuchprovider/some-model'],
    ['a path-like name', '../../etc/passwd'],
    ['a dot-dot segment', 'openai/../admin'],
    ['an empty segment', 'openai//gpt-4o'],
    ['a space', 'openai/gpt 4o'],
  ])(
    'POST /v1/chat/completions answers 400 naming model for %s (not a retryable 503)',
    async (_name, model) => {
      const res = await ask(model);
      expect(res.status).toBe(400);
      expect(
        ((await res.json()) as { error: { code: string; param: string } }).error,
      ).toMatchObject({
        code: 'unknown_model',
        param: 'model',
      });
    },
  );

  it('POST /v1/chat/completions relays no upstream error text: a generic message and the upstream status', async () => {
    upstream.answer = () => ({
      status: 401,
      json: {
        error: {
          message:
            'Incorrect API key provided: sk-proj-****************************wxyz. Internal trace 7f3a',
          type: 'invalid_request_error',
        },
      },
    });
    const res = await ask('gpt-4o-mini');
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(text).not.toContain('Incorrect API key');
    expect(text).not.toContain('wxyz');
    expect(JSON.parse(text)).toMatchObject({
      error: { code: 'upstream_error', message: expect.stringContaining('401') },
      upstream_status: 401,
    });
  });

  it("policy.violated names the provider of a model outside the catalogue from the model's prefix", async () => {
    const res = await post(openaiOnly.secret, {
      model: 'groq/llama-3.1-8b-instant',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(403);
    const id = res.headers.get('x-request-id')!;
    await waitFor(
      () => {
        const v = gw.seen(policyViolatedTopic).find((e) => e.data.request_id === id);
        expect(v?.data).toMatchObject({
          model: 'groq/llama-3.1-8b-instant',
          provider: 'groq',
          code: 'block_provider',
        });
      },
      { timeoutMs: 10_000 },
    );
  });

  it('POST /v1/chat/completions with mock/echo answers model "mock/echo", streamed or not', async () => {
    const res = await ask('mock/echo');
    expect(((await res.json()) as { model: string }).model).toBe('mock/echo');
    const streamed = await post(t.secret, {
      model: 'mock/echo',
      stream: true,
      messages: [{ role: 'user', content: 'hi there' }],
    });
    const first = (await streamed.text()).split('\n').find((l) => l.startsWith('data: {'))!;
    expect(JSON.parse(first.slice(6)).model).toBe('mock/echo');
  });

  it("GET /docs-json documents the gateway's own routes", async () => {
    const doc = (await (await fetch(`${gw.base}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.paths['/v1/chat/completions']).toHaveProperty('post');
    expect(doc.paths['/v1/governance/explain']).toHaveProperty('post');
    expect(doc.paths['/v1/models']).toHaveProperty('get');
    expect(doc.paths['/metrics']).toHaveProperty('get');
  });
});
