import { ResponseStreamWriter } from './responses.stream';
import { responsesToChat } from './responses.translate';

const { echo } = responsesToChat({ model: 'gpt-4o-mini', input: 'x' });
const data = (c: unknown) => `data: ${JSON.stringify(c)}\n\n`;
const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  data({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
const usage = data({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [],
  usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
});

/** The events written, parsed: `event:` line and `data:` JSON (whose `type` must match). */
function events(sse: string): { type: string; [k: string]: any }[] {
  return sse
    .split('\n\n')
    .filter(Boolean)
    .map((raw) => {
      const [eventLine, dataLine] = raw.split('\n');
      const parsed = JSON.parse(dataLine!.slice('data: '.length));
      expect(eventLine).toBe(`event: ${parsed.type}`);
      return parsed;
    });
}

describe('ResponseStreamWriter', () => {
  it('writes the typed text event sequence with increasing sequence numbers', () => {
    const w = new ResponseStreamWriter('req_abc', echo, 100);
    const out = [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }) + chunk({ content: 'lo' }),
      chunk({}, 'stop'),
      usage,
      'data: [DONE]\n\n',
    ]
      .map((p) => w.write(p))
      .join('');
    const all = events(out);
    expect(all.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(all.map((e) => e.sequence_number)).toEqual(all.map((_, i) => i));
    expect(all[0]!.response).toMatchObject({ id: 'resp_abc', status: 'in_progress', output: [] });
    expect(all[6]).toMatchObject({ item_id: 'msg_abc', output_index: 0, text: 'Hello' });
    expect(all.at(-1)!.response).toMatchObject({
      status: 'completed',
      output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hello' }] }],
      usage: { input_tokens: 9, output_tokens: 4, total_tokens: 13 },
    });
  });

  it('writes text then a function call with its argument deltas as separate output items', () => {
    const w = new ResponseStreamWriter('req_abc', echo, 100);
    const call = (c: Record<string, unknown>) => chunk({ tool_calls: [{ index: 0, ...c }] });
    const out = [
      chunk({ content: 'Checking.' }),
      call({ id: 'call_s', type: 'function', function: { name: 'get_weather', arguments: '' } }),
      call({ function: { arguments: '{"city":' } }),
      call({ function: { arguments: '"Rome"}' } }),
      chunk({}, 'tool_calls'),
      'data: [DONE]\n\n',
    ]
      .map((p) => w.write(p))
      .join('');
    const all = events(out);
    expect(all.map((e) => e.type).slice(2)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const added = all.filter((e) => e.type === 'response.output_item.added');
    expect(added[1]).toMatchObject({
      output_index: 1,
      item: { type: 'function_call', id: 'fc_s', call_id: 'call_s', name: 'get_weather' },
    });
    expect(all.find((e) => e.type === 'response.function_call_arguments.done')).toMatchObject({
      item_id: 'fc_s',
      output_index: 1,
      arguments: '{"city":"Rome"}',
    });
    expect(all.at(-1)!.response.output).toEqual([
      expect.objectContaining({ type: 'message' }),
      expect.objectContaining({ type: 'function_call', arguments: '{"city":"Rome"}' }),
    ]);
  });

  it("ends with an error event carrying the gateway's error where the relay stopped the stream", () => {
    const w = new ResponseStreamWriter('req_abc', echo, 100);
    const error = { message: 'budget reached', type: 'budget_exceeded', code: 'budget_limit' };
    const out = w.write(chunk({ content: 'partial' }) + data({ error }) + 'data: [DONE]\n\n');
    const all = events(out);
    expect(all.at(-1)).toMatchObject({ type: 'error', code: 'budget_limit', error });
    expect(all.map((e) => e.type)).not.toContain('response.completed');
  });

  it('answers response.incomplete when the upstream stopped at max_output_tokens', () => {
    const w = new ResponseStreamWriter('req_abc', echo, 100);
    const all = events(w.write(chunk({ content: 'a' }, 'length') + 'data: [DONE]\n\n'));
    expect(all.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
    });
  });
});
