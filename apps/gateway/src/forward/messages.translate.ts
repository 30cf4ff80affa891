import type { ChatMessage, ChatRequest, ContentPart } from '@llmgov/chain';
import type { ChatCompletion } from '../providers/provider';
import {
  InputError,
  fail,
  isObject,
  readRelay,
  type Json,
  type RelayChunk,
  apiUsage,
} from './translate-input';

/**
 * The Anthropic Messages API (https://docs.anthropic.com/en/api/messages) inbound, as pure
 * translations to and from Chat Completions: `POST /v1/messages` is governed as the chat
 * completion it translates to (same 13 steps, events and budgets), and its answer translated back.
 */

type Block = Json & { type?: unknown };

/** A request the gateway cannot read: 400 naming the field. */
export { InputError as MessagesInputError };

function textOf(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return fail(param, 'must be a string or an array of text blocks');
  return content
    .map((b: Block, i) =>
      b?.type === 'text' && typeof b.text === 'string'
        ? b.text
        : fail(`${param}[${i}]`, 'must be a text block'),
    )
    .join('\n');
}

function imagePart(b: Block, param: string): ContentPart {
  const source = isObject(b.source) ? b.source : fail(`${param}.source`, 'is required');
  if (source.type === 'base64')
    return {
      type: 'image_url',
      image_url: { url: `data:${String(source.media_type)};base64,${String(source.data)}` },
    };
  if (source.type === 'url') return { type: 'image_url', image_url: { url: String(source.url) } };
  return fail(
    `${param}.source.type`,
    `'${String(source.type)}' is not supported (use 'base64' or 'url')`,
  );
}

/** One Messages message → chat messages (tool results become `tool` messages, ahead of the rest of the turn). */
function toChatMessages(m: unknown, i: number): ChatMessage[] {
  const param = `messages[${i}]`;
  if (!isObject(m)) return fail(param, 'must be an object');
  if (m.role !== 'user' && m.role !== 'assistant')
    return fail(`${param}.role`, "must be 'user' or 'assistant'");
  if (typeof m.content === 'string') return [{ role: m.role, content: m.content }];
  if (!Array.isArray(m.content))
    return fail(`${param}.content`, 'must be a string or an array of content blocks');
  const tools: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  const calls: Json[] = [];
  m.content.forEach((b: Block, j) => {
    const at = `${param}.content[${j}]`;
    if (!isObject(b)) return fail(at, 'must be a content block');
    if (b.type === 'text')
      parts.push({
        type: 'text',
        text: typeof b.text === 'string' ? b.text : fail(`${at}.text`, 'must be a string'),
      });
    else if (b.type === 'image' && m.role === 'user') parts.push(imagePart(b, at));
    else if (b.type === 'tool_result' && m.role === 'user') {
      const content = b.content === undefined ? '' : textOf(b.content, `${at}.content`);
      tools.push({
        role: 'tool',
        tool_call_id: String(b.tool_use_id ?? ''),
        content: b.is_error === true ? `Error: ${content}` : content,
      });
    } else if (b.type === 'tool_use' && m.role === 'assistant') {
      calls.push({
        id: String(b.id ?? ''),
        type: 'function',
        function: { name: String(b.name ?? ''), arguments: JSON.stringify(b.input ?? {}) },
      });
    } else
      fail(
        `${at}.type`,
        `'${String(b.type)}' blocks are not supported in ${m.role} messages by the gateway`,
      );
  });
  const out = [...tools];
  if (m.role === 'assistant') {
    const text = parts.map((p) => p.text ?? '').join('');
    const msg: ChatMessage = { role: 'assistant', content: text || (calls.length ? null : '') };
    if (calls.length) msg.tool_calls = calls;
    out.push(msg);
  } else if (parts.length || !tools.length) {
    out.push({
      role: 'user',
      content: parts.every((p) => p.type === 'text') ? parts.map((p) => p.text).join('') : parts,
    });
  }
  return out;
}

function toChatTools(tools: unknown): unknown[] {
  if (!Array.isArray(tools)) return fail('tools', 'must be an array');
  return tools.map((t, i) => {
    if (!isObject(t) || typeof t.name !== 'string') return fail(`tools[${i}].name`, 'is required');
    if (t.type !== undefined && t.type !== 'custom')
      return fail(
        `tools[${i}].type`,
        `server tool '${String(t.type)}' is not supported by the gateway`,
      );
    return {
      type: 'function',
      function: {
        name: t.name,
        description: t.description,
        parameters: t.input_schema ?? { type: 'object', properties: {} },
      },
    };
  });
}

function toChatToolChoice(c: unknown): unknown {
  if (!isObject(c)) return fail('tool_choice', 'must be an object');
  if (c.type === 'auto') return 'auto';
  if (c.type === 'any') return 'required';
  if (c.type === 'none') return 'none';
  if (c.type === 'tool' && typeof c.name === 'string')
    return { type: 'function', function: { name: c.name } };
  return fail('tool_choice.type', "must be 'auto', 'any', 'none' or 'tool' (with a name)");
}

/**
 * Messages request → Chat Completions request. `system` becomes the first message, tools and
 * tool results are mapped, `metadata.user_id` becomes `user`, `top_k` (no Chat Completions
 * equivalent) is dropped. Throws `MessagesInputError` naming the field it cannot read.
 */
export function messagesToChat(body: unknown): ChatRequest {
  if (!isObject(body)) return fail('body', 'must be a JSON object');
  if (typeof body.model !== 'string' || !body.model) return fail('model', 'is required (a string)');
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1)
    return fail('max_tokens', 'is required (an integer >= 1)');
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return fail('messages', 'is required (a non-empty array)');
  const messages: ChatMessage[] = [];
  if (body.system !== undefined)
    messages.push({ role: 'system', content: textOf(body.system, 'system') });
  body.messages.forEach((m, i) => messages.push(...toChatMessages(m, i)));
  const chat: ChatRequest = { model: body.model, messages, max_tokens: body.max_tokens as number };
  if (body.stream === true) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  for (const k of ['temperature', 'top_p'] as const)
    if (typeof body[k] === 'number') chat[k] = body[k];
  if (body.stop_sequences !== undefined) chat.stop = body.stop_sequences;
  if (body.tools !== undefined) chat.tools = toChatTools(body.tools);
  if (body.tool_choice !== undefined) {
    chat.tool_choice = toChatToolChoice(body.tool_choice);
    if ((body.tool_choice as Json).disable_parallel_tool_use === true)
      chat.parallel_tool_calls = false;
  }
  if (isObject(body.metadata) && typeof body.metadata.user_id === 'string')
    chat.user = body.metadata.user_id;
  if (Array.isArray(body.fallbacks)) chat.fallbacks = body.fallbacks as string[];
  return chat;
}

const STOP: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};
export const stopReason = (finish: string | null | undefined): string | null =>
  finish ? (STOP[finish] ?? 'end_turn') : null;

const messageId = (id: string, requestId: string): string =>
  id.startsWith('msg_') ? id : `msg_${requestId.replace(/^req_/, '')}`;

/** Chat completion → Messages response (first choice). */
export function chatToMessage(c: ChatCompletion, requestId: string): Json {
  const choice = c.choices[0];
  const content: Json[] = [];
  const text = choice?.message.content;
  if (typeof text === 'string' && text) content.push({ type: 'text', text });
  for (const call of (choice?.message.tool_calls as
    { id: string; function: { name: string; arguments: string } }[] | undefined) ?? []) {
    let input: unknown = {};
    try {
      input = JSON.parse(call.function.arguments || '{}');
    } catch {
      input = { _raw: call.function.arguments };
    }
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
  }
  return {
    id: messageId(c.id, requestId),
    type: 'message',
    role: 'assistant',
    model: c.model,
    content,
    stop_reason: stopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: apiUsage(c.usage),
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
  504: 'timeout_error',
};
export const anthropicErrorType = (status: number): string =>
  ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');

/**
 * A gateway error body (OpenAI shape) in Anthropic's `{type: "error", error: {type, message}}`,
 * keeping the governance fields: `error.code`, `step`, `param`, `remediation`, and `policy_id`,
 * `status`, `request_id`, `policy_attribution` beside it.
 */
export function toAnthropicError(status: number, body: Json): Json {
  const e = isObject(body.error) ? body.error : {};
  const { error: _e, ...rest } = body;
  return {
    type: 'error',
    error: { ...e, type: anthropicErrorType(status), governance_type: e.type ?? null },
    ...rest,
  };
}

const event = (type: string, data: Json): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/**
 * Folds the gateway's Chat Completions SSE (as the relay writes it: `data:` events, an error
 * event on a cut or failure, `[DONE]`) into Messages stream events: `message_start`,
 * `content_block_start/delta/stop` per text or tool_use block, `message_delta` (stop reason,
 * usage), `message_stop` — or an `error` event where the relay stopped the stream.
 */
export class MessageStreamWriter {
  private started = false;
  private block = -1;
  private blockKind: 'text' | 'tool' | null = null;
  private readonly toolBlock = new Map<number, number>();
  private stop: string | null = null;
  private usage = { input_tokens: 0, output_tokens: 0 };
  private ended = false;

  constructor(
    private readonly requestId: string,
    private readonly model: string,
  ) {}

  /** Anthropic events for one piece of relay output (zero or more `data:` events). */
  write(piece: string): string {
    return readRelay(
      piece,
      () => this.ended,
      (c) => this.chunk(c),
      () => this.finish(),
    );
  }

  private start(id: string): string {
    if (this.started) return '';
    this.started = true;
    const message = {
      id: messageId(id, this.requestId),
      type: 'message',
      role: 'assistant',
      model: this.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return event('message_start', { message });
  }

  private closeBlock(): string {
    if (this.blockKind === null) return '';
    this.blockKind = null;
    return event('content_block_stop', { index: this.block });
  }

  private chunk(c: RelayChunk): string {
    if (c.error) {
      this.ended = true;
      const type =
        c.error.code === 'budget_limit'
          ? 'permission_error'
          : c.error.code === 'upstream_timeout'
            ? 'timeout_error'
            : 'api_error';
      return (
        this.closeBlock() +
        event('error', { error: { ...c.error, type, governance_type: c.error.type ?? null } })
      );
    }
    let out = this.start(c.id ?? '');
    if (c.usage) this.usage = apiUsage(c.usage);
    const choice = c.choices?.[0];
    if (!choice) return out;
    const text = choice.delta?.content;
    if (typeof text === 'string' && text) {
      if (this.blockKind !== 'text') {
        out += this.closeBlock();
        this.blockKind = 'text';
        out += event('content_block_start', {
          index: ++this.block,
          content_block: { type: 'text', text: '' },
        });
      }
      out += event('content_block_delta', {
        index: this.block,
        delta: { type: 'text_delta', text },
      });
    }
    for (const call of (choice.delta?.tool_calls as
      | { index?: number; id?: string; function?: { name?: string; arguments?: string } }[]
      | undefined) ?? []) {
      const i = call.index ?? 0;
      if (call.id && !this.toolBlock.has(i)) {
        out += this.closeBlock();
        this.blockKind = 'tool';
        this.toolBlock.set(i, ++this.block);
        out += event('content_block_start', {
          index: this.block,
          content_block: {
            type: 'tool_use',
            id: call.id,
            name: call.function?.name ?? '',
            input: {},
          },
        });
      }
      const args = call.function?.arguments;
      if (args)
        out += event('content_block_delta', {
          index: this.toolBlock.get(i) ?? this.block,
          delta: { type: 'input_json_delta', partial_json: args },
        });
    }
    if (choice.finish_reason) this.stop = stopReason(choice.finish_reason);
    return out;
  }

  private finish(): string {
    this.ended = true;
    const out = this.start('') + this.closeBlock();
    return (
      out +
      event('message_delta', {
        delta: { stop_reason: this.stop ?? 'end_turn', stop_sequence: null },
        usage: this.usage,
      }) +
      event('message_stop', {})
    );
  }
}
