import { AnthropicStreamTranslator, fromAnthropic, toAnthropic } from './anthropic.translate';

describe('Anthropic translation', () => {
  it('lifts system messages, maps tools, tool calls and tool results, defaults max_tokens', () => {
    const body = toAnthropic(
      {
        model: 'claude-sonnet-4-5',
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'weather in Paris?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            ],
          },
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
          { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        ],
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'Weather',
              parameters: { type: 'object', properties: { city: { type: 'string' } } },
            },
          },
        ],
        tool_choice: 'required',
        temperature: 0.2,
      },
      'claude-sonnet-4-5',
      false,
    );
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      system: 'Be brief.',
      max_tokens: 4096,
      stream: false,
      temperature: 0.2,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'weather in Paris?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '18C' }] },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'any' },
    });
  });

  it('maps a Messages answer (text, tool use, stop reason, usage) to a chat completion', () => {
    const c = fromAnthropic(
      {
        id: 'msg_1',
        model: 'claude',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'tu_1', name: 'get_weather', input: { city: 'Paris' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 12, output_tokens: 7 },
      },
      'claude-sonnet-4-5',
      100,
    );
    expect(c.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          {
            id: 'tu_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
    });
    expect(c.usage).toEqual({ prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 });
  });

  it('translates a Messages event stream into chunks with usage at the end', () => {
    const t = new AnthropicStreamTranslator('claude-sonnet-4-5', 100);
    const events: [string, Record<string, unknown>][] = [
      ['message_start', { message: { id: 'msg_1', usage: { input_tokens: 9 } } }],
      ['content_block_start', { index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hel' } }],
      ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'lo' } }],
      [
        'content_block_start',
        { index: 1, content_block: { type: 'tool_use', id: 'tu_1', name: 'f' } },
      ],
      [
        'content_block_delta',
        { index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":1}' } },
      ],
      ['message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } }],
      ['message_stop', {}],
    ];
    const chunks = events.flatMap(([type, e]) => t.translate(type, e));
    expect(
      chunks
        .map((c) => c.choices[0]?.delta.content ?? null)
        .filter((x) => x !== null)
        .join(''),
    ).toBe('Hello');
    expect(
      chunks.find((c) => c.choices[0]?.delta.tool_calls)?.choices[0]?.delta.tool_calls,
    ).toEqual([{ index: 0, id: 'tu_1', type: 'function', function: { name: 'f', arguments: '' } }]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 9,
      completion_tokens: 4,
      total_tokens: 13,
    });
  });
});
