import type { ChatChunk, Usage } from '../providers/provider';
import { invalidRequest, type HttpIn, type HttpOut } from './http';

/**
 * What the inbound API translations (Messages, Responses) share: the 400 for a field they
 * cannot read or honour, and the reading of the relay's Chat Completions SSE they rewrite.
 */

export type Json = Record<string, unknown>;

/** A request the gateway cannot read or honour: 400 naming the field. */
export class InputError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

export const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const fail = (param: string, why: string): never => {
  throw new InputError(param, `${param}: ${why}`);
};

/**
 * `input` with its JSON body translated by `toChat` into the chat request it is governed as, or
 * the 400 a body that does not translate earns (an `InputError` names its field). `null` when
 * the body does not translate and the key is unknown: governed as it came, the chain refuses
 * the key before the body matters.
 */
export function asChatInput(
  input: HttpIn,
  toChat: (body: unknown) => unknown,
  keyKnown: (headers: HttpIn['headers']) => boolean,
): HttpIn | { refused: HttpOut } | null {
  if (input.body === null) return input;
  try {
    return {
      ...input,
      body: Buffer.from(JSON.stringify(toChat(JSON.parse(input.body.toString('utf8'))))),
    };
  } catch (err) {
    if (!keyKnown(input.headers)) return null;
    const param = err instanceof InputError ? err.param : 'body';
    const message =
      err instanceof InputError ? err.message : `body: not valid JSON (${(err as Error).message})`;
    return { refused: invalidRequest(param, message) };
  }
}

/** A relay chunk: a chat chunk, or the error event the relay ends a stopped stream with. */
export type RelayChunk = ChatChunk & { error?: Json };

/**
 * Reads one piece of relay output (zero or more `data:` events): each chunk to `chunk`,
 * `[DONE]` to `done`, nothing once `ended()`; returns what they wrote, concatenated.
 */
export function readRelay(
  piece: string,
  ended: () => boolean,
  chunk: (c: RelayChunk) => string,
  done: () => string,
): string {
  let out = '';
  for (const raw of piece.split('\n\n')) {
    const line = raw.trim();
    if (!line.startsWith('data:') || ended()) continue;
    const data = line.slice(5).trim();
    out += data === '[DONE]' ? done() : chunk(JSON.parse(data) as RelayChunk);
  }
  return out;
}

/** The relay's stream rewritten piece by piece (empty rewrites are skipped). */
export async function* rewritten(
  stream: AsyncIterable<string>,
  write: (piece: string) => string,
): AsyncGenerator<string> {
  for await (const piece of stream) {
    const out = write(piece);
    if (out) yield out;
  }
}

/** Chat usage as the Messages and Responses APIs count it. */
export const apiUsage = (u: Usage | null | undefined) => ({
  input_tokens: u?.prompt_tokens ?? 0,
  output_tokens: u?.completion_tokens ?? 0,
});
