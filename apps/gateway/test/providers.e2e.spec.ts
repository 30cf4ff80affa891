import OpenAI from 'openai';
import {
  fakeUpstream,
  startGateway,
  type FakeUpstream,
  type GatewayHarness,
  type Tenant,
} from './gateway-harness';

describe('POST /v1/chat/completions — Anthropic provider (translated), in-process bus', () => {
  let gw: GatewayHarness;
  let anthropic: FakeUpstream;
  let t: Tenant;
  let client: OpenAI;

  beforeAll(async () => {
    anthropic = await fakeUpstream();
    gw = await startGateway('in-process', {
      ANTHROPIC_API_KEY: 'sk-ant-test-0000000000000000000000',
      ANTHROPIC_BASE_URL: anthropic.url.replace(/\/v1$/, ''),
    });
    t = await gw.tenant({ plan: 'growth' });
    client = new OpenAI({ apiKey: t.secret, baseURL: `${gw.base}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await anthropic?.close();
  });

  it('translates a non-streamed request and answer', async () => {
    anthropic.answer = () => ({
      json: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-4-5',
        content: [{ type: 'text', text: 'Bonjour' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 11, output_tokens: 2 },
      },
    });
    const data = await client.chat.completions.create({
      model: 'claude-haiku-4-5',
      messages: [
        { role: 'system', content: 'French only.' },
        { role: 'user', content: 'hello' },
      ],
    });
    expect(data.choices[0]!.message.content).toBe('Bonjour');
    expect(data.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 2 });
    expect(anthropic.requests.at(-1)).toMatchObject({
      model: 'claude-haiku-4-5',
      system: 'French only.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
      max_tokens: 4096,
    });
  });

  it('translates a streamed answer, usage included', async () => {
    anthropic.answer = () => ({
      sse: [
        { type: 'message_start', message: { id: 'msg_2', usage: { input_tokens: 5 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Bon' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'jour' } },
        { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
        { type: 'message_stop' },
      ],
    });
    const stream = await client.chat.completions.create({
      model: 'claude-haiku-4-5',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hello' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      if (c.usage) usage = c.usage;
    }
    expect(text).toBe('Bonjour');
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 2 });
  });
});
