import { randomUUID } from 'node:crypto';
import { lastUserText, type ChatRequest } from '@llmgov/chain';
import { estimatePromptTokens } from '../chain/cost';
import type {
  ChatChunk,
  ChatCompletion,
  Provider,
  UpstreamCall,
  UpstreamResult,
  Usage,
} from './provider';
import {
  base64Of,
  mockEmbedding,
  type EmbedCall,
  type EmbedResult,
  type EmbeddingProvider,
} from './embeddings';

const tokensOf = (text: string): number => Math.ceil(text.length / 4);

/**
 * The built-in deterministic provider (`mock/echo`, `mock/echo-premium`, `mock/echo-unrated`):
 * answers with the last user message, usage counted from the text (chars / 4, as the
 * estimate), streamed word by word when asked. Always available. Non-streamed answers carry
 * token log-probabilities when asked (`logprobs: true`, see `mockLogprobs`).
 */
export class MockProvider implements Provider, EmbeddingProvider {
  readonly name = 'mock';

  async complete(call: UpstreamCall): Promise<UpstreamResult> {
    const text = lastUserText(call.request);
    const usage: Usage = {
      prompt_tokens: estimatePromptTokens(call.request),
      completion_tokens: tokensOf(text),
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const id = `chatcmpl-mock-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const model = `mock/${call.request.model}`; // the catalogue name the client asked for (`mock/echo`)
    if (!call.stream) {
      const body: ChatCompletion = {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text },
            finish_reason: 'stop',
            logprobs: call.request.logprobs === true ? mockLogprobs(text) : null,
          },
        ],
        usage,
      };
      return { kind: 'json', body };
    }
    return { kind: 'stream', chunks: mockChunks(id, created, model, text, usage) };
  }

  /** Deterministic unit vectors (`mockEmbedding`), usage counted as chars / 4 per input. */
  async embed(call: EmbedCall): Promise<EmbedResult> {
    const data = call.input.map((text, index) => {
      const vector = mockEmbedding(text, call.dimensions);
      const embedding = call.encoding_format === 'base64' ? base64Of(vector) : vector;
      return { object: 'embedding' as const, index, embedding };
    });
    const tokens = call.input.reduce((n, text) => n + tokensOf(text), 0);
    const usage = { prompt_tokens: tokens, total_tokens: tokens };
    return { kind: 'json', body: { object: 'list', data, model: call.model, usage } };
  }
}

/**
 * Deterministic log-probabilities, a token per word: each word's probability between 0.85
 * and 0.99 (from its characters); when the answer contains the word `unsure`, every token's
 * is 0.3 — how tests and demos make a low-confidence answer (the confidence gate).
 */
export function mockLogprobs(text: string): { content: unknown[]; refusal: null } {
  const unsure = /\bunsure\b/i.test(text);
  const content = (text.match(/\S+\s*/g) ?? []).map((token) => {
    let h = 0;
    for (let i = 0; i < token.length; i++) h = (h * 31 + token.charCodeAt(i)) % 1000;
    const p = unsure ? 0.3 : 0.85 + (h % 15) / 100;
    const logprob = Math.log(p);
    return { token, logprob, bytes: [...Buffer.from(token)], top_logprobs: [] };
  });
  return { content, refusal: null };
}

async function* mockChunks(
  id: string,
  created: number,
  model: string,
  text: string,
  usage: Usage,
): AsyncGenerator<ChatChunk[]> {
  const chunk = (
    delta: ChatChunk['choices'][number]['delta'],
    finish: string | null,
  ): ChatChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  yield [chunk({ role: 'assistant', content: '' }, null)];
  const pieces = text.match(/\S+\s*|\s+/g) ?? [];
  for (const piece of pieces) yield [chunk({ content: piece }, null)];
  yield [
    chunk({}, 'stop'),
    { id, object: 'chat.completion.chunk', created, model, choices: [], usage },
  ];
}
