import type { ChatRequest } from '@llmgov/chain';
import type { ChatCompletion, Provider, UpstreamCall, UpstreamResult } from '../providers/provider';
import { canEmbed, type EmbeddingsResponse } from '../providers/embeddings';
import type { HttpIn, HttpOut } from './http';
import { InputError, asChatInput } from './translate-input';
import { callPoolVia, type PoolCall } from './upstream';
import type { KeyKnown } from './messages';

/** Governs a chat-shaped request, reaching the upstream through `call`. */
export type GovernWith = (input: HttpIn, call: PoolCall) => Promise<HttpOut>;

class EmbeddingsInputError extends InputError {
  constructor(param: string, message: string) {
    super(param, `${param}: ${message}`);
  }
}

/** The embedding options, carried on the governed request to the provider call (never sent to a chat upstream). */
interface EmbeddingOptions {
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
}
const OPTIONS = '_embedding';

function inputsOf(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === 'string'))
    return input;
  if (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i !== 'string'))
    throw new EmbeddingsInputError(
      'input',
      'token arrays are not supported by the gateway (it scans text); send strings',
    );
  throw new EmbeddingsInputError('input', 'is required (a string or a non-empty array of strings)');
}

/**
 * Embeddings request → the chat request the chain governs: one user message per input (PII
 * scan, content checks and the prompt-token estimate see every input), `max_tokens: 1` (an
 * embedding has no output tokens). Throws `EmbeddingsInputError` naming the field.
 */
export function embeddingsToChat(body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new EmbeddingsInputError('body', 'must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || !b.model)
    throw new EmbeddingsInputError('model', 'is required (a string)');
  const inputs = inputsOf(b.input);
  const options: EmbeddingOptions = {};
  if (b.encoding_format !== undefined) {
    if (b.encoding_format !== 'float' && b.encoding_format !== 'base64')
      throw new EmbeddingsInputError('encoding_format', "must be 'float' or 'base64'");
    options.encoding_format = b.encoding_format;
  }
  if (b.dimensions !== undefined) {
    if (!Number.isInteger(b.dimensions) || (b.dimensions as number) < 1)
      throw new EmbeddingsInputError('dimensions', 'must be an integer >= 1');
    options.dimensions = b.dimensions as number;
  }
  const chat: ChatRequest = {
    model: b.model,
    messages: inputs.map((content) => ({ role: 'user', content })),
    max_tokens: 1,
    [OPTIONS]: options,
  };
  if (typeof b.user === 'string') chat.user = b.user;
  if (Array.isArray(b.fallbacks)) chat.fallbacks = b.fallbacks as string[];
  return chat;
}

/** A provider's embeddings call, seen by the routing pool as a (JSON) chat answer carrying the vectors. */
function asEmbedding(p: Provider): Provider {
  return {
    name: p.name,
    async complete(call: UpstreamCall): Promise<UpstreamResult> {
      if (!canEmbed(p))
        return {
          kind: 'error',
          status: 400,
          message: `Provider '${p.name}' has no embeddings endpoint`,
          retryable: true,
        };
      const options = (call.request[OPTIONS] ?? {}) as EmbeddingOptions;
      const input = call.request.messages.map((m) =>
        typeof m.content === 'string' ? m.content : '',
      );
      const user = typeof call.request.user === 'string' ? call.request.user : undefined;
      const r = await p.embed({
        model: call.request.model,
        input,
        ...options,
        ...(user ? { user } : {}),
        signal: call.signal,
      });
      if (r.kind === 'error') return r;
      const usage = {
        prompt_tokens: r.body.usage?.prompt_tokens ?? 0,
        completion_tokens: 0,
        total_tokens: r.body.usage?.total_tokens ?? 0,
      };
      const body: ChatCompletion = {
        ...r.body,
        id: '',
        object: 'chat.completion',
        created: 0,
        model: r.body.model,
        choices: [],
        usage,
      };
      return { kind: 'json', body };
    },
  };
}

/** The routing pool over the providers' embeddings endpoints (fallbacks, 503 for a provider without a key). */
export const callEmbeddings: PoolCall = callPoolVia(asEmbedding, false);

/**
 * `POST /v1/embeddings`: governed as the chat request its inputs make (same chain, events and
 * budgets; priced on input tokens), answered by the providers' embeddings endpoints in the
 * OpenAI list shape. Refusals keep the OpenAI error shape.
 */
export async function embeddings(
  govern: GovernWith,
  input: HttpIn,
  keyKnown: KeyKnown = () => true,
): Promise<HttpOut> {
  const chat = asChatInput(input, embeddingsToChat, keyKnown);
  if (chat === null) return govern(input, callEmbeddings);
  if ('refused' in chat) return chat.refused;
  const out = await govern(chat, callEmbeddings);
  if ('stream' in out || out.status !== 200) return out;
  const { data, model, usage } = JSON.parse(out.body) as EmbeddingsResponse;
  return {
    ...out,
    body: JSON.stringify({
      object: 'list',
      data,
      model,
      usage: { prompt_tokens: usage.prompt_tokens, total_tokens: usage.total_tokens },
    }),
  };
}
