import OpenAI from 'openai';
import { mockEmbedding } from '../src/providers/embeddings';
import {
  completion,
  chunk,
  fakeUpstream,
  completedEvent,
  rule,
  startGateway,
  type FakeUpstream,
  type GatewayHarness,
  type Tenant,
} from './gateway-harness';

const allowOnly = (models: string[]) => rule('model_allowlist', { allowed_models: models });

/** `POST /v1/embeddings` and legacy `POST /v1/completions` with the official openai client, over both bus adapters. */
describe.each([['in-process'], ['kafka']] as const)(
  'POST /v1/embeddings and /v1/completions (%s bus)',
  (kind) => {
    let gw: GatewayHarness;
    let upstream: FakeUpstream;
    let t: Tenant;
    const client = (key = t.secret) =>
      new OpenAI({ apiKey: key, baseURL: `${gw.base}/v1`, maxRetries: 0 });
    const completed = (requestId: string | null) => completedEvent(gw, requestId);

    beforeAll(async () => {
      upstream = await fakeUpstream();
      gw = await startGateway(kind, {
        OPENAI_API_KEY: 'sk-upstream-test-key-000000000000',
        OPENAI_BASE_URL: upstream.url,
      });
      t = await gw.tenant({ plan: 'growth', settings: { pii_patterns: { email: 'redact' } } });
    });
    afterAll(async () => {
      await gw?.close();
      await upstream?.close();
    });

    it('embeds with the mock provider: deterministic vectors (base64 via the SDK), usage, input-token cost', async () => {
      const { data, response } = await client()
        .embeddings.create({ model: 'mock/embed', input: ['hello world', 'second text'] })
        .withResponse();
      expect(data.object).toBe('list');
      expect(data.data.map((d) => d.index)).toEqual([0, 1]);
      expect(data.data[0]!.embedding).toEqual(mockEmbedding('hello world'));
      expect(data.data[1]!.embedding).toEqual(mockEmbedding('second text'));
      expect(data.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
      const done = await completed(response.headers.get('x-request-id'));
      expect(done.data).toMatchObject({
        outcome: 'forwarded',
        model: 'mock/embed',
        provider: 'mock',
        usage: { prompt_tokens: 6, completion_tokens: 0 },
      });
      expect(JSON.stringify(done)).not.toContain('hello world');

      // mock/embed: $0.02 per million input tokens; 4000 characters are 1000 tokens = 20 µ$.
      const long = await client()
        .embeddings.create({ model: 'mock/embed', input: 'y'.repeat(4000) })
        .withResponse();
      const priced = await completed(long.response.headers.get('x-request-id'));
      expect(priced.data).toMatchObject({
        usage: { prompt_tokens: 1000, completion_tokens: 0 },
        cost_micro_usd: 20,
      });

      const floats = await client().embeddings.create({
        model: 'mock/embed',
        input: 'hello world',
        encoding_format: 'float',
        dimensions: 4,
      });
      expect(floats.data[0]!.embedding).toEqual(mockEmbedding('hello world', 4));
    });

    it('scans inputs for PII (card refused, email redacted upstream) and enforces the model allowlist', async () => {
      await expect(
        client().embeddings.create({
          model: 'mock/embed',
          input: ['fine', 'card 4111 1111 1111 1111'],
        }),
      ).rejects.toMatchObject({ status: 403, code: 'pii_detected' });
      upstream.answer = (req) => ({
        json: {
          object: 'list',
          model: 'text-embedding-3-small',
          data: (req.input as string[]).map((_, index) => ({
            object: 'embedding',
            index,
            embedding: [0.5, 0.5],
          })),
          usage: { prompt_tokens: 7, total_tokens: 7 },
        },
      });
      const data = await client().embeddings.create({
        model: 'text-embedding-3-small',
        input: ['mail jane.doe@example.com'],
        encoding_format: 'float',
        user: 'end-user-7',
      });
      expect(data.data[0]!.embedding).toEqual([0.5, 0.5]);
      expect(upstream.requests.at(-1)).toEqual({
        model: 'text-embedding-3-small',
        input: ['mail [REDACTED:email]'],
        encoding_format: 'float',
        user: 'end-user-7',
      });

      const limited = await gw.tenant({
        plan: 'growth',
        rules: [allowOnly(['mock/echo'])] as never,
      });
      await expect(
        client(limited.secret).embeddings.create({ model: 'mock/embed', input: 'x' }),
      ).rejects.toMatchObject({ status: 403, code: 'model_allowlist' });
    });

    it('is refused by the budget on its input tokens, and names a bad input field', async () => {
      // 1 µ$ = 50 tokens of mock/embed
      const tight = await gw.tenant({ plan: 'growth', settings: { daily_budget_usd: 0.000001 } });
      await expect(
        client(tight.secret).embeddings.create({ model: 'mock/embed', input: 'x'.repeat(4000) }),
      ).rejects.toMatchObject({ error: { step: 'budget' } });
      const bad = await fetch(`${gw.base}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.secret}` },
        body: JSON.stringify({ model: 'mock/embed', input: [[1, 2, 3]] }),
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({
        error: {
          type: 'invalid_request_error',
          param: 'input',
          message: expect.stringContaining('token arrays'),
        },
      });
    });

    it('answers legacy completions from the chat path, plain and streamed', async () => {
      const plain = await client().completions.create({
        model: 'mock/echo',
        prompt: 'say this back',
        max_tokens: 20,
      });
      expect(plain).toMatchObject({
        object: 'text_completion',
        model: 'mock/echo',
        choices: [{ text: 'say this back', index: 0, finish_reason: 'stop' }],
      });
      expect(plain.usage?.completion_tokens).toBeGreaterThan(0);

      upstream.answer = () => ({
        sse: [
          chunk('one '),
          chunk('two'),
          chunk(null, 'length'),
          {
            ...chunk(null),
            choices: [],
            usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
          },
        ],
      });
      const stream = await client().completions.create({
        model: 'gpt-4o-mini',
        prompt: 'count',
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const c of stream) {
        expect(c.object).toBe('text_completion');
        text += c.choices[0]?.text ?? '';
        finish = c.choices[0]?.finish_reason ?? finish;
        usage = c.usage ?? usage;
      }
      expect(text).toBe('one two');
      expect(finish).toBe('length');
      expect(usage).toMatchObject({ completion_tokens: 2 });
      expect(upstream.requests.at(-1)).toMatchObject({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'count' }],
        max_tokens: 16,
        stream: true,
      });
    });

    it('refuses legacy completions in the OpenAI error shape; a 400 names a field it cannot honour', async () => {
      await expect(
        client().completions.create({ model: 'mock/echo', prompt: 'card 4111 1111 1111 1111' }),
      ).rejects.toMatchObject({ status: 403, code: 'pii_detected' });
      await expect(
        client().completions.create({ model: 'mock/echo', prompt: 'x', echo: true }),
      ).rejects.toMatchObject({ status: 400, param: 'echo' });
      await expect(
        client().completions.create({ model: 'mock/echo', prompt: ['a', 'b'] }),
      ).rejects.toMatchObject({ status: 400, param: 'prompt' });
      upstream.answer = () => ({ json: completion('ok') });
    });

    it('both routes appear in the OpenAPI document', async () => {
      const doc = (await (await fetch(`${gw.base}/docs-json`)).json()) as {
        paths: Record<string, { post?: { requestBody?: unknown } }>;
      };
      expect(doc.paths['/v1/embeddings']?.post?.requestBody).toBeDefined();
      expect(doc.paths['/v1/completions']?.post?.requestBody).toBeDefined();
    });
  },
);
