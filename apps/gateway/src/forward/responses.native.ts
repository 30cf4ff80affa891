import type { ChatMessage, ChatRequest, ContentPart } from '@llmgov/chain';
import { resolveModel } from '@llmgov/policy-schema';
import type {
  ChatChunk,
  ChatCompletion,
  NativeResult,
  Provider,
  ResponsesProvider,
  UpstreamCall,
  UpstreamResult,
} from '../providers/provider';
import { callPoolVia, type PoolCall } from './upstream';
import { NATIVE_PROVIDER } from './responses.translate';

/**
 * Requests that need the Responses API itself — `previous_response_id` (state kept upstream) or
 * built-in tools (web_search, file_search … run on OpenAI's side) — passed through to the
 * `openai` provider, over its own `POST /v1/responses`. The request is still governed as the
 * chat completion its `input` translates to (the chain never sees the earlier turns, which were
 * governed when they were sent); the upstream gets the governed messages (redactions applied)
 * back as `input` items, with the Responses-only fields carried as given, and its answer is
 * seen by the gateway as a chat completion (response scan, pricing, budgets) whose id is the
 * upstream's `resp_…` id, so the client can chain the next turn on it.
 */

type Json = Record<string, unknown>;

/** The Responses-only fields, carried on the governed chat request to the upstream call. */
export const NATIVE = '_responses';

/** The provider serving a model name (catalogue id or `provider/model`), or null when unknown. */
export const providerOf = (model: string): string | null => resolveModel(model)?.provider ?? null;

const isResponses = (p: Provider): p is ResponsesProvider =>
  p.name === NATIVE_PROVIDER && typeof (p as Partial<ResponsesProvider>).respond === 'function';

function partOf(p: ContentPart, role: string): Json {
  if (p.type === 'image_url') {
    const image = p.image_url as { url: string; detail?: string };
    return { type: 'input_image', image_url: image.url, detail: image.detail ?? 'auto' };
  }
  return { type: role === 'assistant' ? 'output_text' : 'input_text', text: p.text ?? '' };
}

/** Governed chat messages → Responses `input` items (the inverse of the inbound translation). */
export function chatToItems(messages: ChatMessage[]): Json[] {
  const items: Json[] = [];
  for (const m of messages) {
    if (m.role === 'tool') {
      items.push({ type: 'function_call_output', call_id: m.tool_call_id, output: m.content });
      continue;
    }
    if (typeof m.content === 'string' && m.content)
      items.push({ type: 'message', role: m.role, content: m.content });
    else if (Array.isArray(m.content) && m.content.length)
      items.push({
        type: 'message',
        role: m.role,
        content: m.content.map((p) => partOf(p, m.role)),
      });
    for (const call of (m.tool_calls as
      { id: string; function: { name: string; arguments: string } }[] | undefined) ?? [])
      items.push({
        type: 'function_call',
        call_id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      });
  }
  return items;
}

interface OutputItem {
  type?: string;
  content?: { type?: string; text?: string }[];
  call_id?: string;
  name?: string;
  arguments?: string;
}

const usageOf = (u: unknown) => {
  const usage = (u ?? {}) as { input_tokens?: number; output_tokens?: number };
  const prompt = usage.input_tokens ?? 0;
  const completion = usage.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
};

const finishOf = (r: Json, calls: number): string =>
  r.status === 'incomplete' ? 'length' : calls ? 'tool_calls' : 'stop';

/** An upstream Response object → the chat completion the gateway governs (id kept: `resp_…`). */
export function responseToChat(r: Json): ChatCompletion {
  const output = (Array.isArray(r.output) ? r.output : []) as OutputItem[];
  const text = output
    .filter((o) => o.type === 'message')
    .flatMap((o) => o.content ?? [])
    .map((p) => (p.type === 'output_text' ? (p.text ?? '') : ''))
    .join('');
  const calls = output
    .filter((o) => o.type === 'function_call')
    .map((o) => ({
      id: o.call_id ?? '',
      type: 'function',
      function: { name: o.name ?? '', arguments: o.arguments ?? '' },
    }));
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text || (calls.length ? null : ''),
  };
  if (calls.length) message.tool_calls = calls;
  return {
    id: String(r.id ?? ''),
    object: 'chat.completion',
    created: Number(r.created_at ?? 0),
    model: String(r.model ?? ''),
    choices: [{ index: 0, message, finish_reason: finishOf(r, calls.length) }],
    usage: usageOf(r.usage),
  };
}

/** Folds an upstream's Responses stream events into chat chunks (id: the upstream's `resp_…`). */
export class NativeChunks {
  private id = '';
  private model = '';
  private created = 0;
  private readonly tools = new Map<string, number>();

  private chunk(delta: Json, finish: string | null = null, usage?: ChatChunk['usage']): ChatChunk {
    const c: ChatChunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }],
    };
    if (usage) c.usage = usage;
    return c;
  }

  /** The chat chunks for one upstream event (none for events with no chat equivalent). */
  of(e: Json): ChatChunk[] {
    const response = (e.response ?? {}) as Json;
    switch (e.type) {
      case 'response.created':
        this.id = String(response.id ?? '');
        this.model = String(response.model ?? '');
        this.created = Number(response.created_at ?? 0);
        return [this.chunk({ role: 'assistant', content: '' })];
      case 'response.output_text.delta':
        return [this.chunk({ content: String(e.delta ?? '') })];
      case 'response.output_item.added': {
        const item = (e.item ?? {}) as OutputItem & { id?: string };
        if (item.type !== 'function_call') return [];
        const index = this.tools.size;
        this.tools.set(String(item.id ?? item.call_id), index);
        const fn = { name: item.name ?? '', arguments: item.arguments ?? '' };
        return [
          this.chunk({ tool_calls: [{ index, id: item.call_id, type: 'function', function: fn }] }),
        ];
      }
      case 'response.function_call_arguments.delta':
        return [
          this.chunk({
            tool_calls: [
              {
                index: this.tools.get(String(e.item_id)) ?? 0,
                function: { arguments: String(e.delta ?? '') },
              },
            ],
          }),
        ];
      case 'response.completed':
      case 'response.incomplete':
        return [
          this.chunk({}, finishOf(response, this.tools.size)),
          this.chunk({}, null, usageOf(response.usage)),
        ];
      case 'error':
      case 'response.failed':
        throw new Error(`upstream Responses stream failed (${String(e.code ?? e.type)})`);
      default:
        return [];
    }
  }
}

async function* chatChunks(native: AsyncIterable<Json[]>): AsyncGenerator<ChatChunk[]> {
  const fold = new NativeChunks();
  for await (const batch of native) {
    const out = batch.flatMap((e) => fold.of(e));
    if (out.length) yield out;
  }
}

/** The upstream's native answer as the gateway's chat result. */
function asChat(r: NativeResult): UpstreamResult {
  if (r.kind === 'json') return { kind: 'json', body: responseToChat(r.body) };
  if (r.kind === 'stream') return { kind: 'stream', chunks: chatChunks(r.chunks) };
  return r;
}

/** The Responses body for the upstream: governed input, carried fields, the upstream model name. */
export function nativeBody(call: UpstreamCall): Json {
  const carried = (call.request[NATIVE] ?? {}) as Json;
  return {
    ...carried,
    model: call.request.model,
    input: chatToItems(call.request.messages),
    stream: call.stream,
  };
}

function asNative(p: Provider): Provider {
  return {
    name: p.name,
    async complete(call: UpstreamCall): Promise<UpstreamResult> {
      if (!isResponses(p))
        return {
          kind: 'error',
          status: 400,
          message: `Provider '${p.name}' does not speak the Responses API`,
          retryable: false,
        };
      return asChat(
        await p.respond({ body: nativeBody(call), stream: call.stream, signal: call.signal }),
      );
    },
  };
}

/** The routing pool over the providers' `POST /responses` (only `openai` answers it). */
export const callResponses: PoolCall = callPoolVia(asNative);

/** Marks a translated request for the native path, carrying the Responses-only fields. */
export function carryNative(chat: ChatRequest, body: Json): void {
  const { model: _m, input: _i, instructions: _in, stream: _s, fallbacks: _f, ...carried } = body;
  chat[NATIVE] = carried;
}
