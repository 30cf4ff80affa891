import type { ChatRequest } from '@llmgov/chain';
import type { ChatCompletion } from '../providers/provider';
import { rewritten } from './translate-input';
import { invalidRequest, type HttpIn, type HttpOut } from './http';
import type { KeyKnown } from './messages';
import type { GovernWith } from './embeddings';
import { callPool } from './upstream';
import { callResponses, carryNative, providerOf } from './responses.native';
import { ResponseStreamWriter } from './responses.stream';
import {
  ResponsesInputError,
  NATIVE_PROVIDER,
  chatToResponse,
  needsNative,
  responsesToChat,
  type ResponseEcho,
} from './responses.translate';

/**
 * `POST /v1/responses` (OpenAI Responses API): the request is translated to the chat completion
 * it means and governed as one (same 13 steps, events, budgets and routing; an Anthropic upstream
 * gets it translated again by its provider), and the answer translated to a Response object or
 * the Responses stream events. Refusals keep the gateway's OpenAI error shape (status,
 * `{error: {message, type, code, param}}`, governance headers), which this API shares; a 202
 * (approval pending) is answered as for chat completions. A request that needs the Responses
 * API itself (`previous_response_id`, built-in tools) to a model of the `openai` provider is
 * passed to that provider's own Responses API (`responses.native.ts`); to any other, 400.
 */
export async function responses(
  govern: GovernWith,
  input: HttpIn,
  keyKnown: KeyKnown = () => true,
  now: () => Date = () => new Date(),
): Promise<HttpOut> {
  if (input.body === null) return govern(input, callPool);
  let translatedBody: { chat: ChatRequest; echo: ResponseEcho };
  let raw: Record<string, unknown>;
  let native = false;
  try {
    raw = JSON.parse(input.body.toString('utf8')) as Record<string, unknown>;
    const model = typeof raw?.model === 'string' ? raw.model : '';
    native = needsNative(raw) && providerOf(model) === NATIVE_PROVIDER;
    translatedBody = responsesToChat(raw, native);
  } catch (err) {
    if (!keyKnown(input.headers)) return govern(input, callPool);
    if (err instanceof ResponsesInputError) return invalidRequest(err.param, err.message);
    return invalidRequest('body', `body: not valid JSON (${(err as Error).message})`);
  }
  const { chat, echo } = translatedBody;
  if (native) carryNative(chat, raw);
  const body = Buffer.from(JSON.stringify(chat));
  const out = await govern({ ...input, body }, native ? callResponses : callPool);
  const createdAt = Math.floor(now().getTime() / 1000);
  const requestId = out.headers['x-request-id'] ?? '';
  if ('stream' in out) {
    const writer = new ResponseStreamWriter(requestId, echo, createdAt);
    return { ...out, stream: rewritten(out.stream, (piece) => writer.write(piece)) };
  }
  if (out.status !== 200) return out;
  const answer = chatToResponse(JSON.parse(out.body) as ChatCompletion, echo, requestId, createdAt);
  return { ...out, body: JSON.stringify(answer) };
}
