import type { ChatMessage, ChatRequest, ContentPart } from '@llmgov/chain';
import type { ChatCompletion } from '../providers/provider';
import { InputError, fail, isObject, type Json, apiUsage } from './translate-input';

/**
 * The OpenAI Responses API (https://platform.openai.com/docs/api-reference/responses) inbound, as
 * pure translations to and from Chat Completions: `POST /v1/responses` is governed as the chat
 * completion it translates to (same 13 steps, events and budgets), and its answer translated back.
 *
 * Decisions where the API and the gateway differ:
 * - The gateway keeps no conversation state: `store` is accepted and answered `false`;
 *   `conversation` is refused (400 naming the field) — send the whole conversation in `input`,
 *   as with chat completions. `previous_response_id` is passed through to the `openai` provider,
 *   which keeps that state (`responses.native.ts`); for any other model it is refused (400).
 * - Built-in tools (web_search, file_search, code_interpreter, computer use, MCP …) run on
 *   OpenAI's side only: passed through with the request to the `openai` provider's Responses API
 *   (`responses.native.ts`); for any other model, 400 naming `tools[i].type`.
 * - `reasoning` items sent back as history are dropped (chat completions have no place for them);
 *   `item_reference` items need stored state: 400.
 */

/** A Responses request the gateway cannot honour: 400 naming the field. */
export { InputError as ResponsesInputError };

/** The request fields a Response object echoes back (`instructions`, `tools`, …). */
export interface ResponseEcho {
  model: string;
  instructions: unknown;
  max_output_tokens: number | null;
  metadata: Json;
  temperature: number | null;
  top_p: number | null;
  tool_choice: unknown;
  tools: unknown[];
  user: string | null;
  parallel_tool_calls: boolean;
  text: unknown;
  /** Set only where it is passed through to an upstream that keeps Responses state (`openai`). */
  previous_response_id: string | null;
}

export /** The provider that speaks the Responses API natively (state, built-in tools). */
const NATIVE_PROVIDER = 'openai';

const STATELESS =
  'the gateway keeps no response state (it translates to chat completions); send the whole conversation in `input`';

function contentPart(p: unknown, param: string, role: string): ContentPart {
  if (!isObject(p)) return fail(param, 'must be a content part object');
  if (p.type === 'input_text' || p.type === 'output_text' || p.type === 'text') {
    if (typeof p.text !== 'string') return fail(`${param}.text`, 'must be a string');
    return { type: 'text', text: p.text };
  }
  if (p.type === 'input_image' && role !== 'assistant') {
    if (typeof p.image_url !== 'string')
      return fail(
        `${param}.image_url`,
        'is required (a URL or data URL; file_id images need OpenAI file storage, not supported by the gateway)',
      );
    const detail = typeof p.detail === 'string' ? { detail: p.detail } : {};
    return { type: 'image_url', image_url: { url: p.image_url, ...detail } };
  }
  return fail(
    `${param}.type`,
    `'${String(p.type)}' parts are not supported in ${role} messages by the gateway`,
  );
}

function messageOf(item: Json, param: string): ChatMessage {
  const role = item.role === 'developer' ? 'system' : item.role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system')
    return fail(`${param}.role`, "must be 'user', 'assistant', 'system' or 'developer'");
  if (typeof item.content === 'string') return { role, content: item.content };
  if (!Array.isArray(item.content))
    return fail(`${param}.content`, 'must be a string or an array of content parts');
  const parts = item.content.map((p, j) => contentPart(p, `${param}.content[${j}]`, role));
  const textOnly = parts.every((p) => p.type === 'text');
  return { role, content: textOnly ? parts.map((p) => p.text).join('') : parts };
}

const outputText = (output: unknown, param: string): string => {
  if (typeof output === 'string') return output;
  if (Array.isArray(output))
    return output
      .map((p: Json, j) =>
        isObject(p) && typeof p.text === 'string'
          ? p.text
          : fail(`${param}[${j}]`, 'must be a text part'),
      )
      .join('');
  return fail(param, 'must be a string');
};

/** `input` items → chat messages: consecutive function calls join one assistant turn. */
function messagesOf(input: unknown): ChatMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input) || input.length === 0)
    return fail('input', 'is required (a string or a non-empty array of items)');
  const out: ChatMessage[] = [];
  input.forEach((item: unknown, i) => {
    const param = `input[${i}]`;
    if (!isObject(item)) return fail(param, 'must be an item object');
    const type = item.type ?? 'message';
    if (type === 'message') out.push(messageOf(item, param));
    else if (type === 'function_call') {
      const call = {
        id:
          typeof item.call_id === 'string' ? item.call_id : fail(`${param}.call_id`, 'is required'),
        type: 'function',
        function: {
          name: typeof item.name === 'string' ? item.name : fail(`${param}.name`, 'is required'),
          arguments: typeof item.arguments === 'string' ? item.arguments : '{}',
        },
      };
      const last = out.at(-1);
      if (last?.role === 'assistant' && Array.isArray(last.tool_calls))
        (last.tool_calls as unknown[]).push(call);
      else if (last?.role === 'assistant' && typeof last.content === 'string')
        last.tool_calls = [call];
      else out.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (type === 'function_call_output') {
      if (typeof item.call_id !== 'string') return fail(`${param}.call_id`, 'is required');
      out.push({
        role: 'tool',
        tool_call_id: item.call_id,
        content: outputText(item.output, `${param}.output`),
      });
    } else if (type === 'reasoning') return;
    else if (type === 'item_reference')
      return fail(`${param}.type`, `'item_reference': ${STATELESS}`);
    else
      fail(
        `${param}.type`,
        `'${String(type)}' items are not supported by the gateway (use message, function_call or function_call_output)`,
      );
  });
  return out;
}

/** Whether a request needs an upstream that speaks the Responses API (its state or built-in tools). */
export const needsNative = (body: unknown): boolean =>
  isObject(body) &&
  ((body.previous_response_id !== undefined && body.previous_response_id !== null) ||
    (Array.isArray(body.tools) && body.tools.some((t) => isObject(t) && t.type !== 'function')));

/** Function tools as chat tools; built-in tools are left to a native upstream (`native`) or refused. */
function toolsOf(tools: unknown, native: boolean): unknown[] {
  if (!Array.isArray(tools)) return fail('tools', 'must be an array');
  const builtIn = (t: unknown) => isObject(t) && t.type !== 'function';
  return tools.flatMap((t: unknown, i) => {
    if (!isObject(t)) return fail(`tools[${i}]`, 'must be a tool object');
    if (builtIn(t) && native) return [];
    if (builtIn(t))
      return fail(
        `tools[${i}].type`,
        `built-in tool '${String(t.type)}' runs on OpenAI's side: only models of the '${NATIVE_PROVIDER}' provider can use it (the gateway passes such requests to its Responses API); other upstreams get function tools only`,
      );
    if (typeof t.name !== 'string' || !t.name) return fail(`tools[${i}].name`, 'is required');
    const fn: Json = {
      name: t.name,
      parameters: t.parameters ?? { type: 'object', properties: {} },
    };
    if (typeof t.description === 'string') fn.description = t.description;
    if (typeof t.strict === 'boolean') fn.strict = t.strict;
    return [{ type: 'function', function: fn }];
  });
}

function toolChoiceOf(c: unknown): unknown {
  if (c === 'auto' || c === 'none' || c === 'required') return c;
  if (isObject(c) && c.type === 'function' && typeof c.name === 'string')
    return { type: 'function', function: { name: c.name } };
  return fail('tool_choice', "must be 'auto', 'none', 'required' or {type: 'function', name}");
}

function responseFormatOf(text: unknown): unknown {
  const format = isObject(text) ? text.format : undefined;
  if (!isObject(format) || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') {
    const { type: _t, ...schema } = format;
    return { type: 'json_schema', json_schema: schema };
  }
  return fail('text.format.type', "must be 'text', 'json_object' or 'json_schema'");
}

const numberOr = (v: unknown, param: string): number | undefined =>
  v === undefined || v === null
    ? undefined
    : typeof v === 'number'
      ? v
      : fail(param, 'must be a number');

/**
 * Responses request → Chat Completions request (and the fields its answer echoes).
 * `instructions` becomes the first (system) message, `max_output_tokens` `max_tokens`, tools and
 * tool items are mapped. Throws `ResponsesInputError` naming the field it cannot honour.
 */
export function responsesToChat(
  body: unknown,
  native = false,
): {
  chat: ChatRequest;
  echo: ResponseEcho;
} {
  if (!isObject(body)) return fail('body', 'must be a JSON object');
  if (typeof body.model !== 'string' || !body.model) return fail('model', 'is required (a string)');
  if (body.conversation !== undefined && body.conversation !== null)
    fail('conversation', STATELESS);
  const previous = body.previous_response_id ?? null;
  if (previous !== null && typeof previous !== 'string')
    return fail('previous_response_id', 'must be a string');
  if (previous !== null && !native)
    fail(
      'previous_response_id',
      `only models of the '${NATIVE_PROVIDER}' provider keep response state (the gateway passes such requests to its Responses API); for '${body.model}', ${STATELESS}`,
    );
  if (body.background === true)
    fail('background', 'background responses need stored state; not supported by the gateway');
  const messages: ChatMessage[] = [];
  if (body.instructions !== undefined && body.instructions !== null) {
    if (typeof body.instructions !== 'string') return fail('instructions', 'must be a string');
    messages.push({ role: 'system', content: body.instructions });
  }
  messages.push(...messagesOf(body.input));
  const chat: ChatRequest = { model: body.model, messages };
  const maxOutput = numberOr(body.max_output_tokens, 'max_output_tokens');
  if (maxOutput !== undefined) {
    if (!Number.isInteger(maxOutput) || maxOutput < 1)
      fail('max_output_tokens', 'must be an integer >= 1');
    chat.max_tokens = maxOutput;
  }
  const temperature = numberOr(body.temperature, 'temperature');
  const topP = numberOr(body.top_p, 'top_p');
  if (temperature !== undefined) chat.temperature = temperature;
  if (topP !== undefined) chat.top_p = topP;
  if (body.stream === true) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  const tools = body.tools === undefined || body.tools === null ? [] : toolsOf(body.tools, native);
  if (tools.length) chat.tools = tools;
  const choice = body.tool_choice;
  const builtInChoice = isObject(choice) && choice.type !== 'function';
  if (choice !== undefined && choice !== null && !(native && builtInChoice))
    chat.tool_choice = toolChoiceOf(choice);
  if (typeof body.parallel_tool_calls === 'boolean')
    chat.parallel_tool_calls = body.parallel_tool_calls;
  const format = responseFormatOf(body.text);
  if (format) chat.response_format = format;
  // The end user: `user`, or `safety_identifier`, which OpenAI now asks for in its place.
  for (const k of ['user', 'safety_identifier'] as const) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return fail(k, 'must be a string');
    chat.user ??= v;
  }
  if (body.metadata !== undefined && body.metadata !== null) {
    if (!isObject(body.metadata)) return fail('metadata', 'must be an object');
    chat.metadata = body.metadata;
  }
  if (Array.isArray(body.fallbacks)) chat.fallbacks = body.fallbacks as string[];
  const echo: ResponseEcho = {
    model: body.model,
    instructions: body.instructions ?? null,
    max_output_tokens: maxOutput ?? null,
    metadata: isObject(body.metadata) ? body.metadata : {},
    temperature: temperature ?? null,
    top_p: topP ?? null,
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    user: typeof body.user === 'string' ? body.user : null,
    parallel_tool_calls: body.parallel_tool_calls !== false,
    text: isObject(body.text) ? body.text : { format: { type: 'text' } },
    previous_response_id: previous,
  };
  return { chat, echo };
}

/** Ids of one answer, derived from the gateway's request id (`req_…`). */
export const responseIds = (requestId: string, upstreamId = '') => {
  const hex = requestId.replace(/^req_/, '');
  // A native upstream's own id (`resp_…`) is kept: the client chains its next turn on it.
  const response = upstreamId.startsWith('resp_') ? upstreamId : `resp_${hex}`;
  return { response, message: `msg_${hex}` };
};
export const functionCallItemId = (callId: string): string => `fc_${callId.replace(/^call_/, '')}`;

type ToolCall = { id: string; function: { name: string; arguments: string } };

export interface ResponseUsage {
  input_tokens: number;
  output_tokens: number;
}

/** A Response object: `completed`, or `incomplete` when the answer stopped at `max_output_tokens`. */
export function responseObject(
  echo: ResponseEcho,
  ids: { response: string },
  createdAt: number,
  status: 'in_progress' | 'completed' | 'incomplete',
  output: Json[],
  usage: ResponseUsage | null,
  model: string = echo.model,
): Json {
  return {
    id: ids.response,
    object: 'response',
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    ...echo,
    model,
    output,
    reasoning: { effort: null, summary: null },
    store: false,
    truncation: 'disabled',
    usage: usage && {
      input_tokens: usage.input_tokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: usage.output_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.input_tokens + usage.output_tokens,
    },
  };
}

export const messageItem = (id: string, text: string | null, status: string): Json => ({
  id,
  type: 'message',
  status,
  role: 'assistant',
  content: text === null ? [] : [{ type: 'output_text', text, annotations: [] }],
});

export const functionCallItem = (
  callId: string,
  name: string,
  args: string,
  status: string,
): Json => ({
  id: functionCallItemId(callId),
  type: 'function_call',
  status,
  call_id: callId,
  name,
  arguments: args,
});

/** Chat completion → Response object (first choice: its text as one message item, then its tool calls). */
export function chatToResponse(
  c: ChatCompletion,
  echo: ResponseEcho,
  requestId: string,
  createdAt: number,
): Json {
  const ids = responseIds(requestId, c.id);
  const choice = c.choices[0];
  const output: Json[] = [];
  const text = choice?.message.content;
  if (typeof text === 'string' && text) output.push(messageItem(ids.message, text, 'completed'));
  for (const call of (choice?.message.tool_calls as ToolCall[] | undefined) ?? [])
    output.push(
      functionCallItem(call.id, call.function.name, call.function.arguments, 'completed'),
    );
  const status = choice?.finish_reason === 'length' ? 'incomplete' : 'completed';
  const usage = apiUsage(c.usage);
  return responseObject(echo, ids, createdAt, status, output, usage, c.model);
}
