import { createHash } from 'node:crypto';
import type { Provider, UpstreamResult } from './provider';

/** An OpenAI embeddings answer (platform.openai.com/docs/api-reference/embeddings); unknown fields pass through. */
export interface EmbeddingsResponse {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
  [k: string]: unknown;
}

export interface EmbedCall {
  /** The upstream model name. */
  model: string;
  /** The inputs as the chain left them (redacted). */
  input: string[];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
  signal: AbortSignal;
}

export type EmbedResult =
  { kind: 'json'; body: EmbeddingsResponse } | Extract<UpstreamResult, { kind: 'error' }>;

/** A provider that also answers `POST /embeddings`. */
export interface EmbeddingProvider extends Provider {
  embed(call: EmbedCall): Promise<EmbedResult>;
}

export const canEmbed = (p: Provider): p is EmbeddingProvider =>
  typeof (p as Partial<EmbeddingProvider>).embed === 'function';

/** Dimensions of the mock provider's vectors when the request names none. */
export const MOCK_EMBEDDING_DIMENSIONS = 16;

/**
 * The mock provider's embedding of a text: deterministic (sha256 of the text, stretched by
 * counter), unit length, so equal texts have cosine similarity 1 and tests can recompute it.
 */
export function mockEmbedding(
  text: string,
  dimensions: number = MOCK_EMBEDDING_DIMENSIONS,
): number[] {
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let i = 0; i + 1 < digest.length && raw.length < dimensions; i += 2)
      raw.push(digest.readUInt16BE(i) / 32_768 - 1);
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

/** Float vector → the API's `encoding_format: "base64"` (little-endian float32). */
export const base64Of = (vector: number[]): string =>
  Buffer.from(new Float32Array(vector).buffer).toString('base64');
