import Anthropic from '@anthropic-ai/sdk';
import { policyViolatedTopic } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import {
  completion,
  chunk,
  useTwoUpstreams,
  completedEvent,
  GOVERNANCE_HEADERS,
} from './gateway-harness';

/** `POST /v1/messages` with the official Anthropic SDK, governed as chat completions are, over both bus adapters. */
describe.each([['in-process'], ['kafka']] as const)(
  'POST /v1/messages — Anthropic Messages API inbound (%s bus)',
  (kind) => {
    const s = useTwoUpstreams(kind);
    const client = (key = s.t.secret) =>
      new Anthropic({ apiKey: key, baseURL: s.gw.base, maxRetries: 0 });

    it('answers a plain request (system prompt, x-api-key) with usage, governance headers and events', async () => {
      const { data, response } = await client()
        .messages.create({
          model: 'mock/echo',
          max_tokens: 64,
          system: 'Be brief.',
          messages: [{ role: 'user', content: 'hello claude' }],
          metadata: { user_id: 'u-42' },
        })
        .withResponse();
      // `model` is the model that answered, as in a chat completion.
      expect(data).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: 'mock/echo',
        stop_reason: 'end_turn',
        content: [{ type: 'text', text: 'hello claude' }],
      });
      expect(data.id).toMatch(/^msg_/);
      expect(data.usage.output_tokens).toBeGreaterThan(0);
      expect(data.usage.input_tokens).toBeGreaterThan(0);
      const requestId = response.headers.get('x-request-id')!;
      expect(requestId).toMatch(/^req_/);
      for (const h of GOVERNANCE_HEADERS)
        expect([h, response.headers.get(h)]).toEqual([h, expect.any(String)]);
      // The same events as a chat completion.
      const done = await completedEvent(s.gw, requestId);
      // metadata.user_id is the end user, as OpenAI's `user`.
      expect(done.data).toMatchObject({
        outcome: 'forwarded',
        model: 'mock/echo',
        org_id: s.t.orgId,
        end_user: 'u-42',
      });
    });

    it('streams with the typed Messages events and the final message assembled by the SDK', async () => {
      const stream = client().messages.stream({
        model: 'mock/echo',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'one two three' }],
      });
      const types: string[] = [];
      let text = '';
      for await (const e of stream) {
        types.push(e.type);
        if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
      }
      const final = await stream.finalMessage();
      expect(text).toBe('one two three');
      expect(types[0]).toBe('message_start');
      expect(types).toEqual(
        expect.arrayContaining([
          'content_block_start',
          'content_block_delta',
          'content_block_stop',
          'message_delta',
        ]),
      );
      expect(types.at(-1)).toBe('message_stop');
      expect(final).toMatchObject({
        stop_reason: 'end_turn',
        content: [{ type: 'text', text: 'one two three' }],
      });
      expect(final.usage.output_tokens).toBeGreaterThan(0);
    });

    it('refuses a card number in Anthropic error shape, governance fields kept, violation published', async () => {
      const refused = await client()
        .messages.create({
          model: 'mock/echo',
          max_tokens: 64,
          messages: [{ role: 'user', content: 'card 4111 1111 1111 1111' }],
        })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Anthropic.PermissionDeniedError);
      const err = refused as InstanceType<typeof Anthropic.PermissionDeniedError>;
      expect(err.status).toBe(403);
      expect(err.error).toMatchObject({
        type: 'error',
        error: {
          type: 'permission_error',
          code: 'pii_detected',
          step: 'pii_scan',
          governance_type: 'policy_violation',
          message: expect.any(String),
        },
        status: 403,
        request_id: expect.stringMatching(/^req_/),
        policy_attribution: { policy_version: 1 },
      });
      const requestId = (err.error as { request_id: string }).request_id;
      expect(err.headers?.get('x-request-id')).toBe(requestId);
      await waitFor(() =>
        expect(
          s.gw
            .seen(policyViolatedTopic)
            .some((v) => v.data.request_id === requestId && v.data.code === 'pii_detected'),
        ).toBe(true),
      );
    });

    it('a bad key is a 401 authentication_error; a missing max_tokens a 400 naming the field', async () => {
      await expect(
        client('gk_not_a_key').messages.create({
          model: 'mock/echo',
          max_tokens: 8,
          messages: [{ role: 'user', content: 'x' }],
        }),
      ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
      const res = await fetch(`${s.gw.base}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': s.t.secret,
          'anthropic-version': '2023-06-01',
        },
        body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        type: 'error',
        error: {
          type: 'invalid_request_error',
          param: 'max_tokens',
          message: expect.stringContaining('max_tokens'),
        },
      });
    });

    it('checks the key before the body: bad key + unreadable body is a 401 on every translated route', async () => {
      const post = (path: string, body: unknown) =>
        fetch(`${s.gw.base}${path}`, {
          method: 'POST',
          headers: { 'x-api-key': 'gk_not_a_key' },
          body: JSON.stringify(body),
        });
      const msg = await post('/v1/messages', { model: 'mock/echo', messages: [] });
      expect(msg.status).toBe(401);
      expect(await msg.json()).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error', code: 'invalid_api_key' },
      });
      for (const path of ['/v1/completions', '/v1/embeddings', '/v1/responses']) {
        const res = await post(path, { model: 'mock/echo' });
        expect([path, res.status]).toEqual([path, 401]);
        expect(await res.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
      }
    });

    it('Bearer auth; tools and tool results translated to and from an OpenAI-compatible upstream', async () => {
      s.openai.answer = () => ({
        json: completion(null, {
          tool_calls: [
            {
              id: 'call_9',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        }),
      });
      const bearer = new Anthropic({
        authToken: s.t.secret,
        apiKey: null,
        baseURL: s.gw.base,
        maxRetries: 0,
      });
      const tools = [
        {
          name: 'get_weather',
          description: 'Weather',
          input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
        },
      ];
      const data = await bearer.messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 100,
        system: [{ type: 'text', text: 'Use tools.' }],
        tools,
        tool_choice: { type: 'any' },
        messages: [
          { role: 'user', content: 'weather in Paris?' },
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
              { type: 'text', text: 'and Oslo?' },
            ],
          },
        ],
      });
      expect(data).toMatchObject({
        stop_reason: 'tool_use',
        content: [{ type: 'tool_use', id: 'call_9', name: 'get_weather', input: { city: 'Oslo' } }],
        usage: { input_tokens: 10, output_tokens: 5 },
      });
      expect(s.openai.requests.at(-1)).toMatchObject({
        model: 'gpt-4o-mini',
        max_tokens: 100,
        tool_choice: 'required',
        tools: [
          {
            type: 'function',
            function: { name: 'get_weather', parameters: tools[0]!.input_schema },
          },
        ],
        messages: [
          { role: 'system', content: 'Use tools.' },
          { role: 'user', content: 'weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
          { role: 'user', content: 'and Oslo?' },
        ],
      });
    });

    it('streams tool calls from an OpenAI-compatible upstream as tool_use blocks', async () => {
      const call = (delta: Record<string, unknown>, finish: string | null = null) => ({
        ...chunk(null, finish),
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
      s.openai.answer = () => ({
        sse: [
          chunk('Checking. '),
          call({
            tool_calls: [
              {
                index: 0,
                id: 'call_s',
                type: 'function',
                function: { name: 'get_weather', arguments: '' },
              },
            ],
          }),
          call({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
          call({ tool_calls: [{ index: 0, function: { arguments: '"Rome"}' } }] }),
          call({}, 'tool_calls'),
          {
            ...chunk(null),
            choices: [],
            usage: { prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 },
          },
        ],
      });
      const stream = client().messages.stream({
        model: 'gpt-4o-mini',
        max_tokens: 100,
        tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
        messages: [{ role: 'user', content: 'weather?' }],
      });
      const final = await stream.finalMessage();
      expect(final).toMatchObject({
        stop_reason: 'tool_use',
        content: [
          { type: 'text', text: 'Checking. ' },
          { type: 'tool_use', id: 'call_s', name: 'get_weather', input: { city: 'Rome' } },
        ],
        usage: { output_tokens: 9 },
      });
    });

    it('reaches an Anthropic upstream with the system prompt and answer carried both ways', async () => {
      s.anthropic.answer = () => ({
        json: {
          id: 'msg_up',
          type: 'message',
          role: 'assistant',
          model: 'claude-haiku-4-5',
          content: [{ type: 'text', text: 'Bonjour' }],
          stop_reason: 'end_turn',
          usage: { input_tokens: 11, output_tokens: 2 },
        },
      });
      const data = await client().messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 50,
        system: 'French only.',
        messages: [{ role: 'user', content: 'hello' }],
      });
      expect(data).toMatchObject({
        id: 'msg_up',
        content: [{ type: 'text', text: 'Bonjour' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 11, output_tokens: 2 },
      });
      expect(s.anthropic.requests.at(-1)).toMatchObject({
        model: 'claude-haiku-4-5',
        system: 'French only.',
        max_tokens: 50,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
      });
    });

    it('streams from an Anthropic upstream as Messages events again, usage included', async () => {
      s.anthropic.answer = () => ({
        sse: [
          { type: 'message_start', message: { id: 'msg_s', usage: { input_tokens: 9 } } },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Bon' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'jour' } },
          {
            type: 'message_delta',
            delta: { stop_reason: 'end_turn' },
            usage: { output_tokens: 2 },
          },
          { type: 'message_stop' },
        ],
      });
      const stream = client().messages.stream({
        model: 'claude-haiku-4-5',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'hello' }],
      });
      const final = await stream.finalMessage();
      expect(final).toMatchObject({
        id: 'msg_s',
        content: [{ type: 'text', text: 'Bonjour' }],
        stop_reason: 'end_turn',
        usage: { output_tokens: 2 },
      });
      expect(s.anthropic.requests.at(-1)).toMatchObject({
        model: 'claude-haiku-4-5',
        stream: true,
        max_tokens: 50,
      });
    });

    it('is metered by the same budgets: refused before the call, and a stream cut with an error event', async () => {
      const tight = await s.gw.tenant({ plan: 'growth', settings: { daily_budget_usd: 0.0001 } }); // 100 micro-dollars
      const over = await client(tight.secret)
        .messages.create({
          model: 'gpt-4o-mini',
          max_tokens: 16_000,
          messages: [{ role: 'user', content: 'x' }],
        })
        .catch((e: unknown) => e);
      expect(over).toBeInstanceOf(Anthropic.APIError);
      expect((over as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        type: 'error',
        error: { step: 'budget' },
      });
      // gpt-4o-mini: $0.6 / M output tokens; the upstream ignores max_tokens and keeps talking.
      s.openai.answer = () => ({
        sse: [
          chunk(''),
          ...Array.from({ length: 60 }, () => chunk('word '.repeat(20))),
          chunk(null, 'stop'),
        ],
      });
      const stream = client(tight.secret).messages.stream({
        model: 'gpt-4o-mini',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'talk' }],
      });
      let text = '';
      stream.on('text', (t) => (text += t));
      const cut = await stream.finalMessage().catch((e: unknown) => e);
      expect(cut).toBeInstanceOf(Anthropic.APIError);
      expect((cut as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        type: 'error',
        error: { code: 'budget_limit' },
      });
      expect(text.length).toBeGreaterThan(0);
      expect(text.length).toBeLessThan(60 * 100);
    });

    it('appears in the OpenAPI document at /docs with its required fields', async () => {
      const doc = (await (await fetch(`${s.gw.base}/docs-json`)).json()) as {
        paths: Record<string, any>;
      };
      const post = doc.paths['/v1/messages']?.post;
      expect(post.requestBody.content['application/json'].schema.required).toEqual([
        'model',
        'max_tokens',
        'messages',
      ]);
      expect(Object.keys(post.responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '403']),
      );
      expect(doc.paths['/v1/chat/completions']?.post).toBeDefined();
    });
  },
);
