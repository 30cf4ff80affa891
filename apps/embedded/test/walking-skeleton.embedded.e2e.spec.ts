import OpenAI from 'openai';
import { call, runWalkingSkeleton } from './walking-skeleton.scenario';
import { waitFor } from '@llmgov/testing';
import { useEmbedded } from './harness/embedded';

describe('walking skeleton — embedded mode (in-process bus, PGlite)', () => {
  const e = useEmbedded();

  it('GET /health/ready answers 200 once every service is up', async () => {
    // The gateway's views fold the bus at start: ready follows shortly after listening.
    const ready = await waitFor(
      async () => {
        const res = await call(`${e.base}/health/ready`);
        expect(res.status).toBe(200);
        return res;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(ready.body.status).toBe('ready');
    expect(Object.keys(ready.body.checks)).toEqual(
      expect.arrayContaining([
        'gateway_views',
        'budget-ledger.consumer',
        'audit.consumer',
        'approval-workflow.consumer',
        'policy-registry.database',
      ]),
    );
    expect(Object.values(ready.body.checks).every((v) => v === true)).toBe(true);
  });

  it('the demo org is created at start and its gateway key gets a chat completion from the mock provider', async () => {
    expect(e.embedded.demo?.gateway_key).toMatch(/^gk_/);
    const res = await call(`${e.base}/v1/chat/completions`, {
      key: e.embedded.demo!.gateway_key,
      body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hello demo' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe('hello demo');
  });

  it('org → key → model_allowlist policy → 403 at the gateway → audit and ledger see the events', async () => {
    const urls = { gateway: e.base, registry: e.base, ledger: e.base, audit: e.base };
    await runWalkingSkeleton(urls, e.bootstrapKey);
  });

  it('the official openai client works unchanged against the embedded mode, streamed and not', async () => {
    const client = new OpenAI({
      baseURL: `${e.base}/v1`,
      apiKey: e.embedded.demo!.gateway_key,
      maxRetries: 0,
    });
    const answer = await client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'plain answer' }],
    });
    expect(answer.choices[0].message.content).toBe('plain answer');
    expect(answer.usage?.total_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: 'mock/echo',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'streamed answer' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('streamed answer');
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    const refused = client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'card 4111 1111 1111 1111' }],
    });
    await expect(refused).rejects.toMatchObject({ status: 403, code: 'pii_detected' });
  });
});
