import type { ChatCompletion } from '../providers/provider';
import { rewritten } from './translate-input';
import { json, type HttpIn, type HttpOut } from './http';
import {
  MessageStreamWriter,
  MessagesInputError,
  chatToMessage,
  messagesToChat,
  toAnthropicError,
} from './messages.translate';

/** Governs a Chat Completions request (the gateway's 13 steps, events, budgets, upstream call). */
export type GovernChat = (input: HttpIn) => Promise<HttpOut>;

/**
 * Whether the request's key authenticates (`Gateway.bodyLimitFor`). A body that cannot be
 * translated is answered 400 only then; otherwise the chain answers (401/403 from
 * authenticate, before the body is read), as for chat completions.
 */
export type KeyKnown = (headers: HttpIn['headers']) => boolean;

/**
 * `POST /v1/messages` (Anthropic Messages API): the request is translated to the chat completion
 * it means and governed as one (same chain, events, budgets and routing: an Anthropic upstream
 * gets it translated back by its provider), and the answer translated to a Messages response,
 * Messages stream events or Anthropic's error shape (governance fields and headers kept).
 * A 202 (approval pending) is answered as for chat completions.
 */
export async function messages(
  govern: GovernChat,
  input: HttpIn,
  keyKnown: KeyKnown = () => true,
): Promise<HttpOut> {
  let model = '';
  let body = input.body;
  if (body !== null) {
    try {
      const chat = messagesToChat(JSON.parse(body.toString('utf8')));
      model = chat.model;
      body = Buffer.from(JSON.stringify(chat));
    } catch (err) {
      if (!keyKnown(input.headers)) return answerOf(await govern(input), model);
      const param = err instanceof MessagesInputError ? err.param : 'body';
      const message =
        err instanceof MessagesInputError
          ? err.message
          : `body: not valid JSON (${(err as Error).message})`;
      return json(
        400,
        {},
        {
          type: 'error',
          error: { type: 'invalid_request_error', message, code: 'invalid_request', param },
          status: 400,
        },
      );
    }
  }
  return answerOf(await govern({ ...input, body }), model);
}

/** A governed chat answer as a Messages answer: JSON, stream events or Anthropic's error shape. */
function answerOf(out: HttpOut, model: string): HttpOut {
  const requestId = out.headers['x-request-id'] ?? '';
  if ('stream' in out) {
    const writer = new MessageStreamWriter(requestId, model);
    return { ...out, stream: rewritten(out.stream, (piece) => writer.write(piece)) };
  }
  if (out.status === 202) return out;
  const parsed = JSON.parse(out.body) as Record<string, unknown>;
  const answer =
    out.status === 200
      ? chatToMessage(parsed as unknown as ChatCompletion, requestId)
      : toAnthropicError(out.status, parsed);
  return { ...out, body: JSON.stringify(answer) };
}
