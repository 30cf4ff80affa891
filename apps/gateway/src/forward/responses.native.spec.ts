import type { UpstreamCall } from '../providers/provider';
import {
  NATIVE,
  NativeChunks,
  carryNative,
  chatToItems,
  nativeBody,
  providerOf,
  responseToChat,
} from './responses.native';
import { responsesToChat } from './responses.translate';

describe('native Responses pass-through (previous_response_id)', () => {
  it('knows which provider serves a model', () => {
    expect(providerOf('gpt-4o-mini')).toBe('openai');
    expect(providerOf('openai/gpt-4.1')).toBe('openai');
    expect(providerOf('claude-haiku-4-5')).toBe('anthropic');
    expect(providerOf('mock/echo')).toBe('mock');
  });

  it('sends the governed messages back as input items, with the carried fields as given', () => {
    const raw = {
      model: 'gpt-4o-mini',
      previous_response_id: 'resp_1',
      instructions: 'Brief.',
      input: [
        { role: 'user', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] },
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'ok' },
      ],
      tools: [{ type: 'function', name: 'f', parameters: {} }],
      store: true,
      fallbacks: ['gpt-4o'],
    };
    const { chat } = responsesToChat(raw, true);
    carryNative(chat, raw);
    expect(chat[NATIVE]).toEqual({
      previous_response_id: 'resp_1',
      tools: raw.tools,
      store: true,
    });
    const call = { request: { ...chat, model: 'gpt-4o-mini-up' }, stream: true } as UpstreamCall;
    expect(nativeBody(call)).toEqual({
      previous_response_id: 'resp_1',
      tools: raw.tools,
      store: true,
      model: 'gpt-4o-mini-up',
      stream: true,
      input: [
        { type: 'message', role: 'system', content: 'Brief.' },
        {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_image', image_url: 'https://x/y.png', detail: 'auto' }],
        },
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'ok' },
      ],
    });
    expect(chatToItems([{ role: 'assistant', content: [{ type: 'text', text: 'hi' }] }])).toEqual([
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hi' }] },
    ]);
  });

  it('reads an upstream Response object as a chat completion keeping its resp_ id', () => {
    const chat = responseToChat({
      id: 'resp_up',
      created_at: 5,
      model: 'gpt-4o-mini',
      status: 'completed',
      output: [
        { type: 'reasoning', summary: [] },
        { type: 'message', content: [{ type: 'output_text', text: 'Calling.' }] },
        { type: 'function_call', call_id: 'call_2', name: 'f', arguments: '{"a":1}' },
      ],
      usage: { input_tokens: 8, output_tokens: 3 },
    });
    expect(chat).toEqual({
      id: 'resp_up',
      object: 'chat.completion',
      created: 5,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Calling.',
            tool_calls: [
              { id: 'call_2', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 8, completion_tokens: 3, total_tokens: 11 },
    });
    expect(responseToChat({ status: 'incomplete', output: [] }).choices[0]!.finish_reason).toBe(
      'length',
    );
  });

  it('folds upstream stream events into chat chunks; an upstream error event throws', () => {
    const fold = new NativeChunks();
    const chunks = [
      { type: 'response.created', response: { id: 'resp_s', model: 'gpt-4o-mini' } },
      { type: 'response.output_text.delta', delta: 'Hi' },
      {
        type: 'response.output_item.added',
        item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f' },
      },
      { type: 'response.function_call_arguments.delta', item_id: 'fc_1', delta: '{}' },
      {
        type: 'response.completed',
        response: { status: 'completed', usage: { input_tokens: 4, output_tokens: 2 } },
      },
    ].flatMap((e) => fold.of(e));
    expect(chunks.every((c) => c.id === 'resp_s')).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta ?? c.usage)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hi' },
      {
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{}' } }] },
      {},
      { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
    ]);
    expect(chunks[4]!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(() => fold.of({ type: 'error', code: 'server_error' })).toThrow(/server_error/);
  });
});
