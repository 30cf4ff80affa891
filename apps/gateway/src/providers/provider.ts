import type { ChatRequest } from '@llmgov/chain';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [k: string]: unknown;
}

/** An OpenAI chat completion (non-streamed). Unknown fields pass through. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: string; content: string | null; [k: string]: unknown };
    finish_reason: string | null;
    [k: string]: unknown;
  }[];
  usage?: Usage;
  [k: string]: unknown;
}

/** An OpenAI streamed chunk. */
export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: number;
    delta: { role?: string; content?: string | null; [k: string]: unknown };
    finish_reason: string | null;
    [k: string]: unknown;
  }[];
  usage?: Usage | null;
  [k: string]: unknown;
}

export interface UpstreamCall {
  /** The request as the chain left it (redacted), with `model` set to the upstream model name. */
  request: ChatRequest;
  stream: boolean;
  signal: AbortSignal;
}

export type UpstreamResult =
  | { kind: 'json'; body: ChatCompletion }
  /** Chunks in batches (one per upstream read). */
  | { kind: 'stream'; chunks: AsyncIterable<ChatChunk[]> }
  /** `retryable`: a timeout, connection error or 5xx (the next model of the pool may answer). */
  | { kind: 'error'; status: number; message: string; retryable: boolean; upstream_body?: unknown };

/** A request in the upstream's own API (`POST /responses`), sent as given. */
export interface NativeCall {
  body: Record<string, unknown>;
  stream: boolean;
  signal: AbortSignal;
}

/** An upstream's own answer: its JSON body, or its stream events' JSON in batches. */
export type NativeResult =
  | { kind: 'json'; body: Record<string, unknown> }
  | { kind: 'stream'; chunks: AsyncIterable<Record<string, unknown>[]> }
  | Extract<UpstreamResult, { kind: 'error' }>;

/** A provider that also speaks the OpenAI Responses API natively (the `openai` provider). */
export interface ResponsesProvider extends Provider {
  respond(call: NativeCall): Promise<NativeResult>;
}

/** One upstream provider: OpenAI-compatible, Anthropic, or the built-in mock. */
export interface Provider {
  readonly name: string;
  complete(call: UpstreamCall): Promise<UpstreamResult>;
  close?(): Promise<void>;
}

/** The gateway's own fields, never sent upstream. */
export function upstreamBody(
  request: ChatRequest,
  model: string,
  stream: boolean,
): Record<string, unknown> {
  const { fallbacks: _f, metadata: _m, ...rest } = request;
  const body: Record<string, unknown> = { ...rest, model };
  if (stream) body.stream_options = { ...(request.stream_options ?? {}), include_usage: true };
  else {
    // A streaming client's request may be called whole (the confidence gate buffers it).
    delete body.stream_options;
    delete body.stream;
  }
  return body;
}
