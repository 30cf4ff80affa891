import { costMicroUsd } from '@llmgov/budget';
import type { CatalogueModel } from '@llmgov/policy-schema';
import type { ChatRequest, CostEstimate } from '@llmgov/chain';
import { fieldsOf } from './detectors/fields';

/** Output tokens reserved when a request names no maximum: min(4096, context window). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

/**
 * Prompt tokens ≈ characters of every field that reaches the model (fields.ts) / 4 + 4 per message + 3 (OpenAI's chat framing). The real
 * tokenizer costs ~1 µs per character on the hot path; chars/4 is the published average
 * for English (https://help.openai.com/en/articles/4936856) and, with the budget settled
 * to the provider's own usage afterwards, an under-estimate only shifts the reservation.
 * Bound: for BPE tokenizers a token is at least one character, so the true count is at
 * most 4× this estimate (non-Latin scripts); typical English/code stays within ±25 %.
 */
export function estimatePromptTokens(request: ChatRequest): number {
  let chars = 0;
  for (const f of fieldsOf(request)) chars += f.text.length;
  return Math.ceil(chars / 4) + 4 * request.messages.length + 3;
}

/** Integer micro-dollars, rounded up; 0 for a model outside the catalogue (no list price). */
export const costOf = (
  entry: CatalogueModel | null,
  promptTokens: number,
  completionTokens: number,
): number =>
  entry
    ? (costMicroUsd(entry, { prompt_tokens: promptTokens, completion_tokens: completionTokens }) ??
      0)
    : 0;

/**
 * How many outputs a request may generate: `n` choices, or `best_of` candidates where a
 * provider has it (vLLM), each up to the maximum output. The prompt is billed once. Anthropic
 * has no equivalent (one answer): reserving n × is then an upper bound, settled to usage.
 */
export const outputsOf = (request: ChatRequest): number =>
  Math.max(request.n ?? 1, request.best_of ?? 1);

/**
 * The maximum cost of a request over its routing pool (any fallback may answer): prompt plus
 * max output × outputs. Not a safe integer (max_tokens × n too large) means it cannot be priced.
 */
export function estimateCost(
  request: ChatRequest,
  pool: readonly (CatalogueModel | null)[],
): CostEstimate {
  const prompt = estimatePromptTokens(request);
  const contextWindow = Math.min(
    ...pool.map((e) => e?.context_window ?? DEFAULT_MAX_OUTPUT_TOKENS),
  );
  const fallbackMax = Math.min(DEFAULT_MAX_OUTPUT_TOKENS, contextWindow);
  const perOutput = request.max_completion_tokens ?? request.max_tokens ?? fallbackMax;
  const maxOut = perOutput * outputsOf(request);
  let cost = 0;
  for (const e of pool) cost = Math.max(cost, costOf(e, prompt, maxOut));
  return { prompt_tokens: prompt, max_output_tokens: maxOut, cost_micro_usd: cost };
}
