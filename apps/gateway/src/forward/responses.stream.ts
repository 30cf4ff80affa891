import {
  functionCallItem,
  messageItem,
  responseIds,
  responseObject,
  type ResponseEcho,
  type ResponseUsage,
} from './responses.translate';
import { readRelay, type Json, type RelayChunk, apiUsage } from './translate-input';

type ToolDelta = { index?: number; id?: string; function?: { name?: string; arguments?: string } };
type Open =
  | { kind: 'text'; index: number; text: string }
  | { kind: 'call'; index: number; tool: number; callId: string; name: string; args: string };

/**
 * Folds the gateway's Chat Completions SSE (as the relay writes it: `data:` events, an error
 * event on a cut or failure, `[DONE]`) into the Responses API's typed stream events, each with
 * an `event:` line and a `sequence_number`:
 * `response.created`, `response.in_progress`, then per output item `response.output_item.added`,
 * (text) `response.content_part.added`, `response.output_text.delta`…, `response.output_text.done`,
 * `response.content_part.done` or (tool call) `response.function_call_arguments.delta`…,
 * `response.function_call_arguments.done`, then `response.output_item.done`; last
 * `response.completed` (or `response.incomplete` at `max_output_tokens`). Where the relay stopped
 * the stream (budget cut, upstream failure) an `error` event carrying the gateway's error object
 * ends it (the openai SDK raises it as an `APIError`).
 */
export class ResponseStreamWriter {
  private seq = 0;
  private started = false;
  private ended = false;
  private open: Open | null = null;
  private readonly output: Json[] = [];
  private usage: ResponseUsage | null = null;
  private finish: string | null = null;
  private model: string;
  private ids: { response: string; message: string };

  constructor(
    private readonly requestId: string,
    private readonly echo: ResponseEcho,
    private readonly createdAt: number,
  ) {
    this.ids = responseIds(requestId);
    this.model = echo.model;
  }

  /** Responses events for one piece of relay output (zero or more `data:` events). */
  write(piece: string): string {
    return readRelay(
      piece,
      () => this.ended,
      (c) => this.chunk(c),
      () => this.done(),
    );
  }

  private event(type: string, data: Json): string {
    const body = { type, ...data, sequence_number: this.seq++ };
    return `event: ${type}\ndata: ${JSON.stringify(body)}\n\n`;
  }

  private snapshot(status: 'in_progress' | 'completed' | 'incomplete'): Json {
    const usage = status === 'in_progress' ? null : this.usage;
    const output = status === 'in_progress' ? [] : this.output;
    return responseObject(this.echo, this.ids, this.createdAt, status, output, usage, this.model);
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return (
      this.event('response.created', { response: this.snapshot('in_progress') }) +
      this.event('response.in_progress', { response: this.snapshot('in_progress') })
    );
  }

  private close(): string {
    const o = this.open;
    if (!o) return '';
    this.open = null;
    if (o.kind === 'text') {
      const part = { type: 'output_text', text: o.text, annotations: [] };
      const item = messageItem(this.ids.message, o.text, 'completed');
      this.output.push(item);
      const at = { item_id: this.ids.message, output_index: o.index, content_index: 0 };
      return (
        this.event('response.output_text.done', { ...at, text: o.text, logprobs: [] }) +
        this.event('response.content_part.done', { ...at, part }) +
        this.event('response.output_item.done', { output_index: o.index, item })
      );
    }
    const item = functionCallItem(o.callId, o.name, o.args, 'completed');
    this.output.push(item);
    return (
      this.event('response.function_call_arguments.done', {
        item_id: item.id,
        output_index: o.index,
        name: o.name,
        arguments: o.args,
      }) + this.event('response.output_item.done', { output_index: o.index, item })
    );
  }

  private text(delta: string): string {
    let out = '';
    if (this.open?.kind !== 'text') {
      out += this.close();
      const index = this.output.length;
      this.open = { kind: 'text', index, text: '' };
      const at = { item_id: this.ids.message, output_index: index };
      out +=
        this.event('response.output_item.added', {
          output_index: index,
          item: messageItem(this.ids.message, null, 'in_progress'),
        }) +
        this.event('response.content_part.added', {
          ...at,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        });
    }
    const o = this.open as Extract<Open, { kind: 'text' }>;
    o.text += delta;
    return (
      out +
      this.event('response.output_text.delta', {
        item_id: this.ids.message,
        output_index: o.index,
        content_index: 0,
        delta,
        logprobs: [],
      })
    );
  }

  private toolCall(call: ToolDelta): string {
    let out = '';
    const tool = call.index ?? 0;
    if (call.id && !(this.open?.kind === 'call' && this.open.tool === tool)) {
      out += this.close();
      const index = this.output.length;
      const name = call.function?.name ?? '';
      this.open = { kind: 'call', index, tool, callId: call.id, name, args: '' };
      out += this.event('response.output_item.added', {
        output_index: index,
        item: functionCallItem(call.id, name, '', 'in_progress'),
      });
    }
    const o = this.open;
    const delta = call.function?.arguments;
    if (!delta || o?.kind !== 'call') return out;
    o.args += delta;
    return (
      out +
      this.event('response.function_call_arguments.delta', {
        item_id: functionCallItem(o.callId, o.name, '', '').id,
        output_index: o.index,
        delta,
      })
    );
  }

  private chunk(c: RelayChunk): string {
    if (c.error) {
      this.ended = true;
      const e = c.error;
      return (
        this.start() +
        this.event('error', {
          code: e.code ?? null,
          message: e.message ?? '',
          param: e.param ?? null,
          error: e,
        })
      );
    }
    if (!this.started) this.ids = responseIds(this.requestId, c.id);
    let out = this.start();
    if (c.model) this.model = c.model;
    if (c.usage) this.usage = apiUsage(c.usage);
    const choice = c.choices?.[0];
    if (!choice) return out;
    const text = choice.delta?.content;
    if (typeof text === 'string' && text) out += this.text(text);
    for (const call of (choice.delta?.tool_calls as ToolDelta[] | undefined) ?? [])
      out += this.toolCall(call);
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  private done(): string {
    this.ended = true;
    const out = this.start() + this.close();
    const status = this.finish === 'length' ? 'incomplete' : 'completed';
    return out + this.event(`response.${status}`, { response: this.snapshot(status) });
  }
}
