import OpenAI from 'openai';
import { approvalsTopic, policyViolatedTopic } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import {
  chunk,
  completion,
  rule,
  useTwoUpstreams,
  completedEvent,
  GOVERNANCE_HEADERS,
} from './gateway-harness';

const approvalRule = rule('require_approval', { environment: 'production' });

/** `POST /v1/responses` with the official openai client, governed as chat completions are, over both bus adapters. */
describe.each([['in-process'], ['kafka']] as const)(
  'POST /v1/responses — OpenAI Responses API inbound (%s bus)',
  (kind) => {
    const s = useTwoUpstreams(kind);
    const client = (key = s.t.secret) =>
      new OpenAI({ apiKey: key, baseURL: `${s.gw.base}/v1`, maxRetries: 0 });

    it('answers a string input with a Response object, usage, governance headers and events', async () => {
      const { data, response } = await client()
        .responses.create({
          model: 'mock/echo',
          instructions: 'Echo.',
          input: 'hello responses',
          max_output_tokens: 64,
          user: 'u-77',
          metadata: { ticket: 'T-1' },
          store: true,
        })
        .withResponse();
      expect(data).toMatchObject({
        object: 'response',
        status: 'completed',
        model: 'mock/echo',
        instructions: 'Echo.',
        max_output_tokens: 64,
        metadata: { ticket: 'T-1' },
        store: false,
        output: [
          {
            type: 'message',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'hello responses' }],
          },
        ],
      });
      expect(data.output_text).toBe('hello responses');
      expect(data.id).toMatch(/^resp_/);
      expect(data.usage!.input_tokens).toBeGreaterThan(0);
      expect(data.usage!.output_tokens).toBeGreaterThan(0);
      const requestId = response.headers.get('x-request-id')!;
      expect(data.id).toBe(`resp_${requestId.replace(/^req_/, '')}`);
      for (const h of GOVERNANCE_HEADERS)
        expect([h, response.headers.get(h)]).toEqual([h, expect.any(String)]);
      const done = await completedEvent(s.gw, requestId);
      expect(done.data).toMatchObject({
        outcome: 'forwarded',
        model: 'mock/echo',
        org_id: s.t.orgId,
        end_user: 'u-77',
      });
    });

    it('streams the typed events with event lines and sequence numbers; the SDK assembles the answer', async () => {
      const stream = await client().responses.create({
        model: 'mock/echo',
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'one two three' }] }],
        stream: true,
      });
      const events: OpenAI.Responses.ResponseStreamEvent[] = [];
      for await (const e of stream) events.push(e);
      const types = events.map((e) => e.type);
      expect(types.slice(0, 4)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
      ]);
      expect(types.slice(-4)).toEqual([
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      const text = events
        .map((e) => (e.type === 'response.output_text.delta' ? e.delta : ''))
        .join('');
      expect(text).toBe('one two three');
      const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
      expect(completed.response.usage!.output_tokens).toBeGreaterThan(0);
      // The SDK's stream helper accepts the sequence as OpenAI's.
      const final = await client()
        .responses.stream({ model: 'mock/echo', input: 'helper stream' })
        .finalResponse();
      expect(final.output_text).toBe('helper stream');
    });

    it('runs a function tool round trip through an OpenAI-compatible upstream', async () => {
      const tools: OpenAI.Responses.FunctionTool[] = [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: false,
        },
      ];
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
      const first = await client().responses.create({
        model: 'gpt-4o-mini',
        input: 'weather in Oslo?',
        tools,
        tool_choice: 'required',
      });
      expect(first.output).toEqual([
        expect.objectContaining({
          type: 'function_call',
          call_id: 'call_9',
          name: 'get_weather',
          arguments: '{"city":"Oslo"}',
        }),
      ]);
      expect(s.openai.requests.at(-1)).toMatchObject({
        tool_choice: 'required',
        tools: [
          { type: 'function', function: { name: 'get_weather', parameters: tools[0]!.parameters } },
        ],
      });
      s.openai.answer = () => ({ json: completion('Sunny in Oslo.') });
      const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
      const second = await client().responses.create({
        model: 'gpt-4o-mini',
        tools,
        input: [
          { role: 'user', content: 'weather in Oslo?' },
          call,
          { type: 'function_call_output', call_id: call.call_id, output: '{"sky":"sunny"}' },
        ],
      });
      expect(second.output_text).toBe('Sunny in Oslo.');
      expect(s.openai.requests.at(-1)).toMatchObject({
        messages: [
          { role: 'user', content: 'weather in Oslo?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_9',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_9', content: '{"sky":"sunny"}' },
        ],
      });
    });

    it('streams a tool call as function_call_arguments deltas', async () => {
      const call = (delta: Record<string, unknown>, finish: string | null = null) => ({
        ...chunk(null, finish),
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
      s.openai.answer = () => ({
        sse: [
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
      const final = await client()
        .responses.stream({
          model: 'gpt-4o-mini',
          input: 'weather?',
          tools: [{ type: 'function', name: 'get_weather', parameters: null, strict: false }],
        })
        .on('response.function_call_arguments.done', (e) =>
          expect(e.arguments).toBe('{"city":"Rome"}'),
        )
        .finalResponse();
      expect(final.output).toEqual([
        expect.objectContaining({
          type: 'function_call',
          call_id: 'call_s',
          arguments: '{"city":"Rome"}',
        }),
      ]);
      expect(final.usage).toMatchObject({ input_tokens: 7, output_tokens: 9 });
    });

    it("refuses a card number as the SDK's PermissionDeniedError with code, headers and a violation", async () => {
      const refused = await client()
        .responses.create({
          model: 'mock/echo',
          input: [
            { role: 'user', content: [{ type: 'input_text', text: 'card 4111 1111 1111 1111' }] },
          ],
        })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
      const err = refused as InstanceType<typeof OpenAI.PermissionDeniedError>;
      expect(err.status).toBe(403);
      expect(err.code).toBe('pii_detected');
      expect(err.error).toMatchObject({ step: 'pii_scan', message: expect.any(String) });
      const requestId = err.headers.get('x-request-id')!;
      expect(requestId).toMatch(/^req_/);
      expect(err.headers.get('x-policy-version')).toBe('1');
      await waitFor(() =>
        expect(
          s.gw
            .seen(policyViolatedTopic)
            .some((v) => v.data.request_id === requestId && v.data.code === 'pii_detected'),
        ).toBe(true),
      );
    });

    it('answers 400 naming the field for what it cannot honour; a bad key is a 401', async () => {
      const bad = (body: Record<string, unknown>) =>
        client()
          .responses.create({ model: 'gpt-4o-mini', input: 'x', ...body } as never)
          .then(
            () => {
              throw new Error('not refused');
            },
            (e: unknown) => e as InstanceType<typeof OpenAI.BadRequestError>,
          );
      // Built-in tools run on OpenAI's side: any other model cannot use them.
      const web = await bad({ model: 'mock/echo', tools: [{ type: 'web_search' }] });
      expect(web).toBeInstanceOf(OpenAI.BadRequestError);
      expect(web.error).toMatchObject({ param: 'tools[0].type', type: 'invalid_request_error' });
      // Only the openai provider keeps response state; a mock or Anthropic model cannot chain.
      const prev = await bad({ model: 'claude-haiku-4-5', previous_response_id: 'resp_123' });
      expect(prev).toBeInstanceOf(OpenAI.BadRequestError);
      expect(prev.error).toMatchObject({ param: 'previous_response_id' });
      expect(prev.message).toContain('previous_response_id');
      await expect(
        client('gk_not_a_key').responses.create({ model: 'mock/echo', input: 'x' }),
      ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    });

    it('passes previous_response_id and built-in tools through to the openai provider on its Responses API', async () => {
      s.openai.answer = () => ({
        json: {
          id: 'resp_upstream_2',
          object: 'response',
          created_at: 1,
          status: 'completed',
          model: 'gpt-4o-mini-2024-07-18',
          output: [
            {
              id: 'msg_up',
              type: 'message',
              role: 'assistant',
              status: 'completed',
              content: [{ type: 'output_text', text: 'Still sunny.', annotations: [] }],
            },
          ],
          usage: { input_tokens: 30, output_tokens: 4, total_tokens: 34 },
        },
      });
      const { data, response } = await client()
        .responses.create({
          model: 'gpt-4o-mini',
          previous_response_id: 'resp_upstream_1',
          instructions: 'Be brief.',
          input: 'and tomorrow?',
          store: true,
        })
        .withResponse();
      // The upstream's id, so the next turn chains on it; usage priced as any answer.
      expect(data).toMatchObject({
        id: 'resp_upstream_2',
        previous_response_id: 'resp_upstream_1',
        usage: { input_tokens: 30, output_tokens: 4 },
      });
      expect(data.output_text).toBe('Still sunny.');
      expect(Number(response.headers.get('x-cost-usd'))).toBeGreaterThan(0);
      expect(s.openai.paths.at(-1)).toBe('/v1/responses');
      expect(s.openai.requests.at(-1)).toEqual({
        model: 'gpt-4o-mini',
        previous_response_id: 'resp_upstream_1',
        store: true,
        stream: false,
        input: [
          { type: 'message', role: 'system', content: 'Be brief.' },
          { type: 'message', role: 'user', content: 'and tomorrow?' },
        ],
      });
      // Streamed: the upstream's typed events are governed as chunks and written again.
      s.openai.answer = () => ({
        sse: [
          {
            type: 'response.created',
            response: { id: 'resp_upstream_3', model: 'gpt-4o-mini', status: 'in_progress' },
          },
          { type: 'response.output_text.delta', item_id: 'msg_up', delta: 'Rain ' },
          { type: 'response.output_text.delta', item_id: 'msg_up', delta: 'later.' },
          {
            type: 'response.completed',
            response: {
              id: 'resp_upstream_3',
              status: 'completed',
              usage: { input_tokens: 31, output_tokens: 2 },
            },
          },
        ],
      });
      const final = await client()
        .responses.stream({
          model: 'gpt-4o-mini',
          previous_response_id: 'resp_upstream_2',
          input: 'and after?',
        })
        .finalResponse();
      expect(final).toMatchObject({
        id: 'resp_upstream_3',
        usage: { input_tokens: 31, output_tokens: 2 },
      });
      expect(final.output_text).toBe('Rain later.');
      expect(s.openai.requests.at(-1)).toMatchObject({ stream: true });
      // A built-in tool goes to the same Responses API, as given.
      s.openai.answer = () => ({
        json: {
          id: 'resp_web',
          status: 'completed',
          model: 'gpt-4o-mini',
          output: [
            { type: 'web_search_call', id: 'ws_1', status: 'completed' },
            { type: 'message', content: [{ type: 'output_text', text: 'Found it.' }] },
          ],
          usage: { input_tokens: 12, output_tokens: 3 },
        },
      });
      const searched = await client().responses.create({
        model: 'gpt-4o-mini',
        input: 'news?',
        tools: [{ type: 'web_search' }],
        tool_choice: { type: 'web_search' } as never,
      });
      expect(searched.output_text).toBe('Found it.');
      expect(s.openai.requests.at(-1)).toEqual({
        model: 'gpt-4o-mini',
        tools: [{ type: 'web_search' }],
        tool_choice: { type: 'web_search' },
        stream: false,
        input: [{ type: 'message', role: 'user', content: 'news?' }],
      });
      // PII in the new input is governed before anything reaches the upstream.
      const calls = s.openai.requests.length;
      await expect(
        client().responses.create({
          model: 'gpt-4o-mini',
          previous_response_id: 'resp_upstream_3',
          input: 'card 4111 1111 1111 1111',
        }),
      ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
      expect(s.openai.requests.length).toBe(calls);
    });

    it('is metered by the same budgets: refused before the call, and a stream cut with an error', async () => {
      const tight = await s.gw.tenant({ plan: 'growth', settings: { daily_budget_usd: 0.0001 } });
      const over = await client(tight.secret)
        .responses.create({ model: 'gpt-4o-mini', input: 'x', max_output_tokens: 16_000 })
        .catch((e: unknown) => e);
      expect(over).toBeInstanceOf(OpenAI.APIError);
      expect((over as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
        step: 'budget',
      });
      s.openai.answer = () => ({
        sse: [
          chunk(''),
          ...Array.from({ length: 60 }, () => chunk('word '.repeat(20))),
          chunk(null, 'stop'),
        ],
      });
      const stream = await client(tight.secret).responses.create({
        model: 'gpt-4o-mini',
        input: 'talk',
        max_output_tokens: 10,
        stream: true,
      });
      let text = '';
      const cut = await (async () => {
        for await (const e of stream) if (e.type === 'response.output_text.delta') text += e.delta;
      })().catch((e: unknown) => e);
      expect(cut).toBeInstanceOf(OpenAI.APIError);
      expect((cut as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
        code: 'budget_limit',
      });
      expect(text.length).toBeGreaterThan(0);
      expect(text.length).toBeLessThan(60 * 100);
    });

    it('holds a request an approval rule catches: 202 with the approval id', async () => {
      const held = await s.gw.tenant({ plan: 'growth', rules: [approvalRule] });
      const res = await fetch(`${s.gw.base}/v1/responses`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${held.agentSecret}`,
        },
        body: JSON.stringify({ model: 'mock/echo', input: 'deploy it' }),
      });
      expect(res.status).toBe(202);
      const body = (await res.json()) as { approval_id: string; status: string };
      expect(body).toMatchObject({
        status: 'pending',
        approval_id: expect.stringMatching(/^apr_/),
      });
      expect(res.headers.get('x-approval-id')).toBe(body.approval_id);
      await waitFor(() =>
        expect(s.gw.seen(approvalsTopic).some((x) => x.data.approval_id === body.approval_id)).toBe(
          true,
        ),
      );
    });

    it('reaches an Anthropic upstream with the instructions as its system prompt', async () => {
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
      const data = await client().responses.create({
        model: 'claude-haiku-4-5',
        instructions: 'French only.',
        input: 'hello',
        max_output_tokens: 50,
      });
      expect(data.output_text).toBe('Bonjour');
      expect(data.usage).toMatchObject({ input_tokens: 11, output_tokens: 2 });
      expect(s.anthropic.requests.at(-1)).toMatchObject({
        model: 'claude-haiku-4-5',
        system: 'French only.',
        max_tokens: 50,
      });
    });

    it('appears in the OpenAPI document at /docs with its required fields', async () => {
      const doc = (await (await fetch(`${s.gw.base}/docs-json`)).json()) as {
        paths: Record<string, any>;
      };
      const post = doc.paths['/v1/responses']?.post;
      expect(post.requestBody.content['application/json'].schema.required).toEqual([
        'model',
        'input',
      ]);
      expect(Object.keys(post.responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '403']),
      );
    });
  },
);
