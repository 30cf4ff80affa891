import { resolveModel, type CatalogueModel } from '@llmgov/policy-schema';

/** One US dollar in micro-dollars. */
export const MICRO_PER_USD = 1_000_000;

/** USD decimal (wire, settings) → integer micro-dollars, rounded to the nearest micro-dollar. */
export function usdToMicro(usd: number): number {
  return Math.round(usd * MICRO_PER_USD);
}

/** Integer micro-dollars → USD as a number (for display only; never sum these). */
export function microToUsd(micro: number): number {
  return micro / MICRO_PER_USD;
}

/** Integer micro-dollars → a USD decimal string with 6 decimals (`x-cost-usd`, API bodies). */
export function formatUsd(micro: number): string {
  const sign = micro < 0 ? '-' : '';
  const abs = Math.abs(micro);
  const whole = Math.floor(abs / MICRO_PER_USD);
  const frac = String(abs % MICRO_PER_USD).padStart(6, '0');
  return `${sign}${whole}.${frac}`;
}

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** A model's list price. USD per million tokens is exactly micro-dollars per token. */
export interface ModelPrice {
  input_micro_per_token: number;
  output_micro_per_token: number;
}

/** The price of a model name or catalogue entry; null when the model is not in the catalogue. */
export function priceOf(model: string | CatalogueModel): ModelPrice | null {
  const entry = typeof model === 'string' ? (resolveModel(model)?.entry ?? null) : model;
  if (!entry) return null;
  return {
    input_micro_per_token: entry.input_per_mtok_usd,
    output_micro_per_token: entry.output_per_mtok_usd,
  };
}

/**
 * The cost of usage in integer micro-dollars, rounded up (a fraction of a micro-dollar is
 * charged, never given away). Null for a model outside the catalogue: the caller decides
 * (e.g. fail closed under a budget).
 */
export function costMicroUsd(model: string | CatalogueModel, usage: TokenUsage): number | null {
  const price = priceOf(model);
  if (!price) return null;
  return Math.ceil(
    usage.prompt_tokens * price.input_micro_per_token +
      usage.completion_tokens * price.output_micro_per_token,
  );
}

/**
 * The most a request can cost: its prompt estimate plus `max_tokens` of output (CONTRACT.md
 * §6). This is what the gateway reserves before forwarding.
 */
export function maxCostMicroUsd(
  model: string | CatalogueModel,
  promptTokens: number,
  maxTokens: number,
): number | null {
  return costMicroUsd(model, { prompt_tokens: promptTokens, completion_tokens: maxTokens });
}
