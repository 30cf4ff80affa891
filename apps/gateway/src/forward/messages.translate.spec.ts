import {
  MessageStreamWriter,
  MessagesInputError,
  chatToMessage,
  messagesToChat,
  toAnthropicError,
} from './messages.translate';

const base = { model: 'claude-haiku-4-5', max_tokens: 10 };

describe('messagesToChat', () => {
  it('maps images, tool results (errors marked) and metadata.user_id', () => {
    const chat = messagesToChat({
      ...base,
      metadata: { user_id: 'end-user-1' },
      top_k: 5,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'text', text: 'what?' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'calling' },
            { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              is_error: true,
              content: [{ type: 'text', text: 'boom' }],
            },
          ],
        },
      ],
    });
    expect(chat).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 10,
      user: 'end-user-1',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            { type: 'text', text: 'what?' },
          ],
        },
        {
          role: 'assistant',
          content: 'calling',
          tool_calls: [
            { id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          ],
        },
        { role: 'tool', tool_call_id: 't1', content: 'Error: boom' },
      ],
    });
  });

  it.each([
    [{ ...base, max_tokens: undefined, messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
    [{ ...base, messages: [] }, 'messages'],
    [{ ...base, messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role'],
    [
      { ...base, messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] },
      'messages[0].content[0].type',
    ],
    [
      {
        ...base,
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
        messages: [{ role: 'user', content: 'x' }],
      },
      'tools[0].type',
    ],
  ])('refuses what it cannot honour, naming the field (%#)', (body, param) => {
    expect(() => messagesToChat(body)).toThrow(MessagesInputError);
    try {
      messagesToChat(body);
    } catch (err) {
      expect((err as MessagesInputError).param).toBe(param);
    }
  });
});

describe('answers back in Messages shapes', () => {
  it('a completion becomes a message; a refusal keeps the governance fields', () => {
    const msg = chatToMessage(
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'm',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'length' },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
      },
      'req_abc',
    );
    expect(msg).toEqual({
      id: 'msg_abc',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [{ type: 'text', text: 'hi' }],
      stop_reason: 'max_tokens',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 4 },
    });
    const err = toAnthropicError(429, {
      error: {
        message: 'slow down',
        type: 'rate_limit_exceeded',
        code: 'rate_limit',
        step: 'rate_limit',
      },
      status: 429,
      request_id: 'req_1',
    });
    expect(err).toEqual({
      type: 'error',
      error: {
        message: 'slow down',
        type: 'rate_limit_error',
        governance_type: 'rate_limit_exceeded',
        code: 'rate_limit',
        step: 'rate_limit',
      },
      status: 429,
      request_id: 'req_1',
    });
  });

  it('a stream cut by the budget ends with an error event after the open block is closed', () => {
    const w = new MessageStreamWriter('req_1', 'm');
    const chunk = (content: string, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
    const out = w.write(
      chunk('Hello') +
        chunk('', 'content_filter') +
        `data: ${JSON.stringify({ error: { message: 'Stream stopped', type: 'policy_violation', code: 'budget_limit' } })}\n\ndata: [DONE]\n\n`,
    );
    const events = out
      .split('\n\n')
      .filter(Boolean)
      .map((e) => e.split('\n')[0]);
    expect(events).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: error',
    ]);
    expect(out).toContain('"code":"budget_limit"');
  });
});
