import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { waitFor } from '@llmgov/testing';
import { call } from './harness/admin';
import { useEmbedded } from './harness/embedded';
import { mockEmbedding } from '@llmgov/gateway';

describe('POST /v1/messages — the official Anthropic SDK against the embedded mode', () => {
  const e = useEmbedded();
  const client = () =>
    new Anthropic({ apiKey: e.embedded.demo!.gateway_key, baseURL: e.base, maxRetries: 0 });

  beforeAll(async () => {
    await waitFor(async () => expect((await call(`${e.base}/health/ready`)).status).toBe(200), {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
  });

  it('answers plain and streamed requests from the mock provider', async () => {
    const answer = await client().messages.create({
      model: 'mock/echo',
      max_tokens: 64,
      system: 'Echo.',
      messages: [{ role: 'user', content: 'plain answer' }],
    });
    expect(answer).toMatchObject({
      type: 'message',
      role: 'assistant',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'plain answer' }],
    });
    expect(answer.usage.output_tokens).toBeGreaterThan(0);

    const stream = client().messages.stream({
      model: 'mock/echo',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'streamed answer' }],
    });
    let text = '';
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(text).toBe('streamed answer');
    expect(final).toMatchObject({
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'streamed answer' }],
    });
  });

  it('attributes spend to end users (OpenAI `user`, Anthropic `metadata.user_id`): group_by=user', async () => {
    const openai = new OpenAI({
      apiKey: e.embedded.demo!.gateway_key,
      baseURL: `${e.base}/v1`,
      maxRetries: 0,
    });
    await openai.chat.completions.create({
      model: 'mock/echo',
      user: 'alice',
      messages: [{ role: 'user', content: 'from alice' }],
    });
    await openai.embeddings.create({ model: 'mock/embed', user: 'alice', input: 'alice again' });
    await client().messages.create({
      model: 'mock/echo',
      max_tokens: 32,
      metadata: { user_id: 'bob' },
      messages: [{ role: 'user', content: 'from bob' }],
    });
    const spend = await waitFor(
      async () => {
        const res = await call(`${e.base}/budgets/spend?group_by=user&period=day`, {
          key: e.embedded.demo!.admin_key,
        });
        expect(res.status).toBe(200);
        const byUser = Object.fromEntries(
          res.body.data.map((r: { id: string; requests: number }) => [r.id, r.requests]),
        );
        expect(byUser).toEqual({ alice: 2, bob: 1 });
        return res.body.data as { id: string; spent_micro_usd: number }[];
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    for (const row of spend) expect(row.spent_micro_usd).toBeGreaterThan(0);
  });

  it('refuses a card number with a 403 permission_error carrying the governance code', async () => {
    const refused = client().messages.create({
      model: 'mock/echo',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'card 4111 1111 1111 1111' }],
    });
    await expect(refused).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
    await expect(refused).rejects.toMatchObject({
      status: 403,
      error: { type: 'error', error: { type: 'permission_error', code: 'pii_detected' } },
    });
  });
});

describe('POST /v1/embeddings, /v1/completions and /v1/responses — the official openai client against the embedded mode', () => {
  const e = useEmbedded();
  const client = () =>
    new OpenAI({ apiKey: e.embedded.demo!.gateway_key, baseURL: `${e.base}/v1`, maxRetries: 0 });

  beforeAll(async () => {
    await waitFor(async () => expect((await call(`${e.base}/health/ready`)).status).toBe(200), {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
  });

  it('embeds with the mock provider and refuses a card number in an input', async () => {
    const data = await client().embeddings.create({
      model: 'mock/embed',
      input: ['alpha', 'beta'],
    });
    expect(data.data.map((d) => d.embedding)).toEqual([
      mockEmbedding('alpha'),
      mockEmbedding('beta'),
    ]);
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);
    await expect(
      client().embeddings.create({ model: 'mock/embed', input: 'card 4111 1111 1111 1111' }),
    ).rejects.toMatchObject({ status: 403, code: 'pii_detected' });
  });

  it('answers a legacy completion, plain and streamed', async () => {
    const plain = await client().completions.create({ model: 'mock/echo', prompt: 'legacy hello' });
    expect(plain.choices[0]!.text).toBe('legacy hello');
    const stream = await client().completions.create({
      model: 'mock/echo',
      prompt: 'legacy stream',
      stream: true,
    });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.text ?? '';
    expect(text).toBe('legacy stream');
  });

  it('answers plain and streamed responses from the mock provider, spend attributed to `user`', async () => {
    const plain = await client().responses.create({
      model: 'mock/echo',
      instructions: 'Echo.',
      input: 'plain response',
      user: 'carol',
    });
    expect(plain).toMatchObject({ object: 'response', status: 'completed' });
    expect(plain.output_text).toBe('plain response');
    expect(plain.usage!.output_tokens).toBeGreaterThan(0);

    const stream = await client().responses.create({
      model: 'mock/echo',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'streamed response' }] }],
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'response.output_text.delta') text += ev.delta;
    }
    expect(text).toBe('streamed response');
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');

    await waitFor(
      async () => {
        const res = await call(`${e.base}/budgets/spend?group_by=user&period=day`, {
          key: e.embedded.demo!.admin_key,
        });
        const carol = res.body.data.find((r: { id: string }) => r.id === 'carol');
        expect(carol).toMatchObject({ requests: 1, spent_micro_usd: expect.any(Number) });
        expect(carol.spent_micro_usd).toBeGreaterThan(0);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
  });

  it("refuses a card number as the SDK's PermissionDeniedError and a built-in tool as a 400", async () => {
    const refused = client().responses.create({
      model: 'mock/echo',
      input: 'card 4111 1111 1111 1111',
    });
    await expect(refused).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect(refused).rejects.toMatchObject({ status: 403, code: 'pii_detected' });
    await expect(
      client().responses.create({
        model: 'mock/echo',
        input: 'search',
        tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }],
      }),
    ).rejects.toMatchObject({ status: 400, param: 'tools[0].type' });
  });
});
