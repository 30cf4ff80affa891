import type { ChatCompletion } from '../providers/provider';
import {
  ResponsesInputError,
  chatToResponse,
  needsNative,
  responsesToChat,
} from './responses.translate';

const refusedParam = (body: unknown): string => {
  try {
    responsesToChat(body);
  } catch (err) {
    if (err instanceof ResponsesInputError) return err.param;
    throw err;
  }
  throw new Error('not refused');
};

describe('responsesToChat', () => {
  it('maps a string input, instructions and the sampling fields', () => {
    const { chat, echo } = responsesToChat({
      model: 'gpt-4o-mini',
      input: 'hello',
      instructions: 'Be brief.',
      max_output_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      user: 'u-1',
      metadata: { agent_id: 'a1' },
      store: true,
    });
    expect(chat).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello' },
      ],
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      user: 'u-1',
      metadata: { agent_id: 'a1' },
    });
    expect(echo).toMatchObject({ instructions: 'Be brief.', max_output_tokens: 50, user: 'u-1' });
    const safe = responsesToChat({ model: 'gpt-4o', input: 'x', safety_identifier: 'hash-1' });
    expect(safe.chat.user).toBe('hash-1');
  });

  it('maps message items (text, images, developer role), function calls and their outputs', () => {
    const { chat } = responsesToChat({
      model: 'gpt-4o',
      stream: true,
      input: [
        { role: 'developer', content: 'Use tools.' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'weather here?' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
          ],
        },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"c":"A"}' },
        { type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{"c":"B"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        {
          type: 'function_call_output',
          call_id: 'call_2',
          output: [{ type: 'input_text', text: 'rain' }],
        },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { role: 'assistant', content: [{ type: 'output_text', text: 'A sunny, B rain.' }] },
      ],
      tools: [
        { type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: true },
      ],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'w', schema: { type: 'object' } } },
    });
    expect(chat).toEqual({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'Use tools.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'weather here?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"c":"A"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"c":"B"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: 'rain' },
        { role: 'assistant', content: 'A sunny, B rain.' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'w', schema: { type: 'object' } },
      },
    });
  });

  it('refuses what it cannot honour with the field named', () => {
    const ok = { model: 'gpt-4o', input: 'x' };
    expect(refusedParam({ input: 'x' })).toBe('model');
    expect(refusedParam({ model: 'gpt-4o' })).toBe('input');
    expect(refusedParam({ ...ok, previous_response_id: 7 })).toBe('previous_response_id');
    expect(refusedParam({ ...ok, conversation: 'conv_1' })).toBe('conversation');
    expect(
      refusedParam({ ...ok, tools: [{ type: 'function', name: 'f' }, { type: 'web_search' }] }),
    ).toBe('tools[1].type');
    expect(refusedParam({ ...ok, tool_choice: { type: 'file_search' } })).toBe('tool_choice');
    expect(refusedParam({ ...ok, max_output_tokens: 0 })).toBe('max_output_tokens');
    expect(refusedParam({ ...ok, temperature: 'hot' })).toBe('temperature');
    expect(refusedParam({ ...ok, input: [{ type: 'item_reference', id: 'msg_1' }] })).toBe(
      'input[0].type',
    );
    expect(
      refusedParam({
        ...ok,
        input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }],
      }),
    ).toBe('input[0].content[0].image_url');
    expect(
      refusedParam({ ...ok, input: [{ role: 'user', content: [{ type: 'input_file' }] }] }),
    ).toBe('input[0].content[0].type');
    expect(refusedParam({ ...ok, input: [{ type: 'function_call_output', output: 'x' }] })).toBe(
      'input[0].call_id',
    );
  });
});

describe('requests for a native Responses upstream', () => {
  it('need it for previous_response_id or built-in tools, which are then left out of the chat request', () => {
    const web = {
      model: 'gpt-4o',
      input: 'x',
      tools: [{ type: 'web_search' }, { type: 'function', name: 'f' }],
      tool_choice: { type: 'web_search' },
    };
    expect(needsNative(web)).toBe(true);
    expect(needsNative({ model: 'gpt-4o', input: 'x', previous_response_id: 'resp_1' })).toBe(true);
    expect(needsNative({ model: 'gpt-4o', input: 'x', tools: [{ type: 'function' }] })).toBe(false);
    const { chat } = responsesToChat(web, true);
    expect(chat.tools).toEqual([
      { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(chat.tool_choice).toBeUndefined();
    const { echo } = responsesToChat(
      { model: 'gpt-4o', input: 'x', previous_response_id: 'r' },
      true,
    );
    expect(echo.previous_response_id).toBe('r');
  });
});

describe('chatToResponse', () => {
  const { echo } = responsesToChat({ model: 'gpt-4o-mini', input: 'x', metadata: { k: 'v' } });
  const completion = (message: Record<string, unknown>, finish = 'stop'): ChatCompletion => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, ...message },
        finish_reason: finish,
      },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
  });

  it('answers text as one message item with output_text, usage and the echoed fields', () => {
    const r = chatToResponse(completion({ content: 'Hi there' }), echo, 'req_abc', 1_700_000_000);
    expect(r).toMatchObject({
      id: 'resp_abc',
      object: 'response',
      created_at: 1_700_000_000,
      status: 'completed',
      model: 'gpt-4o-mini-2024-07-18',
      metadata: { k: 'v' },
      store: false,
      previous_response_id: null,
      output: [
        {
          id: 'msg_abc',
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Hi there', annotations: [] }],
        },
      ],
      usage: { input_tokens: 12, output_tokens: 3, total_tokens: 15 },
    });
  });

  it('answers tool calls as function_call items; a length stop is incomplete', () => {
    const calls = completion(
      {
        tool_calls: [
          { id: 'call_7', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
        ],
      },
      'tool_calls',
    );
    expect(chatToResponse(calls, echo, 'req_abc', 0).output).toEqual([
      {
        id: 'fc_7',
        type: 'function_call',
        status: 'completed',
        call_id: 'call_7',
        name: 'f',
        arguments: '{"a":1}',
      },
    ]);
    const cut = chatToResponse(completion({ content: 'Hi' }, 'length'), echo, 'req_abc', 0);
    expect(cut).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
  });
});
