import type { ChatRequest } from '@llmgov/chain';
import type { ChatChunk, ChatCompletion } from '../providers/provider';
import type { HttpIn, HttpOut } from './http';
import { InputError, asChatInput } from './translate-input';
import type { GovernChat, KeyKnown } from './messages';

/** A legacy completions request the gateway cannot honour: 400 naming the field. */
class CompletionsInputError extends InputError {
  constructor(param: string, message: string) {
    super(param, `${param}: ${message}`);
  }
}

/** The API's default `max_tokens` for legacy completions. */
const LEGACY_DEFAULT_MAX_TOKENS = 16;
const PASSED = [
  'temperature',
  'top_p',
  'n',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'seed',
  'user',
  'stream_options',
  'metadata',
  'fallbacks',
];

function promptOf(prompt: unknown): string {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string')
    return prompt[0];
  if (Array.isArray(prompt) && prompt.every((p) => typeof p === 'string'))
    throw new CompletionsInputError(
      'prompt',
      'several prompts in one request are not supported by the gateway; send one request per prompt',
    );
  throw new CompletionsInputError(
    'prompt',
    'is required (a string; token arrays are not supported)',
  );
}

/**
 * Legacy completions request → chat request: the prompt becomes one user message (served by
 * the chat endpoint of the model's provider). `echo`, `logprobs`, `suffix` and `best_of` > 1
 * have no chat equivalent: 400.
 */
export function completionsToChat(body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new CompletionsInputError('body', 'must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || !b.model)
    throw new CompletionsInputError('model', 'is required (a string)');
  const content = promptOf(b.prompt);
  if (b.echo === true) throw new CompletionsInputError('echo', 'is not supported by the gateway');
  if (b.logprobs !== undefined && b.logprobs !== null)
    throw new CompletionsInputError('logprobs', 'is not supported by the gateway');
  if (b.suffix !== undefined && b.suffix !== null)
    throw new CompletionsInputError('suffix', 'is not supported by the gateway');
  if (typeof b.best_of === 'number' && b.best_of > 1)
    throw new CompletionsInputError('best_of', 'is not supported by the gateway');
  const chat: ChatRequest = {
    model: b.model,
    messages: [{ role: 'user', content }],
    max_tokens: (b.max_tokens as number | undefined) ?? LEGACY_DEFAULT_MAX_TOKENS,
  };
  if (b.stream === true) chat.stream = true;
  for (const k of PASSED) if (b[k] !== undefined) chat[k] = b[k];
  return chat;
}

/** Chat completion → `text_completion`. */
export function chatToText(c: ChatCompletion): Record<string, unknown> {
  return {
    id: c.id.replace(/^chatcmpl-/, 'cmpl-'),
    object: 'text_completion',
    created: c.created,
    model: c.model,
    choices: c.choices.map((ch) => ({
      text: ch.message.content ?? '',
      index: ch.index,
      logprobs: null,
      finish_reason: ch.finish_reason,
    })),
    ...(c.usage ? { usage: c.usage } : {}),
  };
}

function chunkToText(c: ChatChunk): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id.replace(/^chatcmpl-/, 'cmpl-'),
    object: 'text_completion',
    created: c.created,
    model: c.model,
    choices: c.choices.map((ch) => ({
      text: ch.delta?.content ?? '',
      index: ch.index,
      logprobs: null,
      finish_reason: ch.finish_reason,
    })),
  };
  if (c.usage) out.usage = c.usage;
  return out;
}

/** Relay events (`data:` chat chunks, error events, `[DONE]`) as legacy completion events. */
async function* textEvents(stream: AsyncIterable<string>): AsyncGenerator<string> {
  for await (const piece of stream) {
    let out = '';
    for (const raw of piece.split('\n\n')) {
      const line = raw.trim();
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      const parsed =
        data === '[DONE]' ? null : (JSON.parse(data) as ChatChunk & { error?: unknown });
      out += `data: ${parsed === null ? data : parsed.error ? data : JSON.stringify(chunkToText(parsed))}\n\n`;
    }
    if (out) yield out;
  }
}

/**
 * `POST /v1/completions` (legacy): governed as the one-message chat completion it translates
 * to (same chain, events, budgets), answered as `text_completion` (JSON or stream). Refusals
 * keep the gateway's OpenAI error shape, which this API shares.
 */
export async function completions(
  govern: GovernChat,
  input: HttpIn,
  keyKnown: KeyKnown = () => true,
): Promise<HttpOut> {
  const chat = asChatInput(input, completionsToChat, keyKnown);
  if (chat === null) return govern(input);
  if ('refused' in chat) return chat.refused;
  const out = await govern(chat);
  if ('stream' in out) return { ...out, stream: textEvents(out.stream) };
  if (out.status !== 200) return out;
  return { ...out, body: JSON.stringify(chatToText(JSON.parse(out.body) as ChatCompletion)) };
}
