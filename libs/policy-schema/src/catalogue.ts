import type { CostTier } from './settings.schema';

/** One model the gateway knows: who serves it, what it costs, how safe it is declared to be. */
export interface CatalogueModel {
  /** Catalogue name used by clients, e.g. `gpt-4o`; `provider/model` also resolves. */
  id: string;
  provider: string;
  tier: CostTier;
  /** USD per million tokens (list price). */
  input_per_mtok_usd: number;
  output_per_mtok_usd: number;
  /** Available on free plans (economy models). */
  free: boolean;
  /** Declared safety score 0..1 from an evaluation registry; absent = unknown (fail-closed under a floor). */
  safety_score?: number;
  context_window: number;
  /** Reasoning models spend hidden reasoning tokens (reasoning_token_cap applies). */
  reasoning?: boolean;
}

/**
 * List prices as published by the providers in 2026:
 * https://openai.com/api/pricing, https://www.anthropic.com/pricing#api,
 * https://ai.google.dev/gemini-api/docs/pricing. Safety scores are illustrative declared
 * values; some models have none on purpose so the fail-closed floor is testable.
 */
export const MODEL_CATALOGUE: readonly CatalogueModel[] = [
  {
    id: 'gpt-4o',
    provider: 'openai',
    tier: 'standard',
    input_per_mtok_usd: 2.5,
    output_per_mtok_usd: 10,
    free: false,
    safety_score: 0.86,
    context_window: 128_000,
  },
  {
    id: 'gpt-4o-mini',
    provider: 'openai',
    tier: 'economy',
    input_per_mtok_usd: 0.15,
    output_per_mtok_usd: 0.6,
    free: true,
    safety_score: 0.82,
    context_window: 128_000,
  },
  {
    id: 'gpt-4.1',
    provider: 'openai',
    tier: 'standard',
    input_per_mtok_usd: 2,
    output_per_mtok_usd: 8,
    free: false,
    safety_score: 0.85,
    context_window: 1_047_576,
  },
  {
    id: 'gpt-4.1-mini',
    provider: 'openai',
    tier: 'economy',
    input_per_mtok_usd: 0.4,
    output_per_mtok_usd: 1.6,
    free: true,
    safety_score: 0.8,
    context_window: 1_047_576,
  },
  {
    id: 'gpt-4.1-nano',
    provider: 'openai',
    tier: 'economy',
    input_per_mtok_usd: 0.1,
    output_per_mtok_usd: 0.4,
    free: true,
    context_window: 1_047_576,
  },
  {
    id: 'gpt-5',
    provider: 'openai',
    tier: 'premium',
    input_per_mtok_usd: 1.25,
    output_per_mtok_usd: 10,
    free: false,
    safety_score: 0.9,
    context_window: 400_000,
    reasoning: true,
  },
  {
    id: 'gpt-5-mini',
    provider: 'openai',
    tier: 'economy',
    input_per_mtok_usd: 0.25,
    output_per_mtok_usd: 2,
    free: false,
    safety_score: 0.87,
    context_window: 400_000,
    reasoning: true,
  },
  {
    id: 'gpt-5-nano',
    provider: 'openai',
    tier: 'economy',
    input_per_mtok_usd: 0.05,
    output_per_mtok_usd: 0.4,
    free: true,
    context_window: 400_000,
    reasoning: true,
  },
  {
    id: 'gpt-5.1',
    provider: 'openai',
    tier: 'premium',
    input_per_mtok_usd: 1.25,
    output_per_mtok_usd: 10,
    free: false,
    safety_score: 0.91,
    context_window: 400_000,
    reasoning: true,
  },
  {
    id: 'o3',
    provider: 'openai',
    tier: 'premium',
    input_per_mtok_usd: 2,
    output_per_mtok_usd: 8,
    free: false,
    safety_score: 0.88,
    context_window: 200_000,
    reasoning: true,
  },
  {
    id: 'o4-mini',
    provider: 'openai',
    tier: 'standard',
    input_per_mtok_usd: 1.1,
    output_per_mtok_usd: 4.4,
    free: false,
    safety_score: 0.84,
    context_window: 200_000,
    reasoning: true,
  },
  {
    id: 'gpt-3.5-turbo',
    provider: 'openai',
    tier: 'economy',
    input_per_mtok_usd: 0.5,
    output_per_mtok_usd: 1.5,
    free: true,
    context_window: 16_385,
  },
  {
    id: 'claude-opus-4-1-20250805',
    provider: 'anthropic',
    tier: 'frontier',
    input_per_mtok_usd: 15,
    output_per_mtok_usd: 75,
    free: false,
    safety_score: 0.93,
    context_window: 200_000,
  },
  {
    id: 'claude-opus-4-5',
    provider: 'anthropic',
    tier: 'premium',
    input_per_mtok_usd: 5,
    output_per_mtok_usd: 25,
    free: false,
    safety_score: 0.93,
    context_window: 200_000,
  },
  {
    id: 'claude-sonnet-4-5',
    provider: 'anthropic',
    tier: 'standard',
    input_per_mtok_usd: 3,
    output_per_mtok_usd: 15,
    free: false,
    safety_score: 0.92,
    context_window: 200_000,
  },
  {
    id: 'claude-sonnet-4-20250514',
    provider: 'anthropic',
    tier: 'standard',
    input_per_mtok_usd: 3,
    output_per_mtok_usd: 15,
    free: false,
    safety_score: 0.91,
    context_window: 200_000,
  },
  {
    id: 'claude-haiku-4-5',
    provider: 'anthropic',
    tier: 'economy',
    input_per_mtok_usd: 1,
    output_per_mtok_usd: 5,
    free: false,
    safety_score: 0.88,
    context_window: 200_000,
  },
  {
    id: 'claude-3-5-haiku-20241022',
    provider: 'anthropic',
    tier: 'economy',
    input_per_mtok_usd: 0.8,
    output_per_mtok_usd: 4,
    free: true,
    safety_score: 0.85,
    context_window: 200_000,
  },
  // Embedding models (`POST /v1/embeddings`): priced on input tokens only.
  {
    id: 'text-embedding-3-small',
    provider: 'openai',
    tier: 'economy',
    input_per_mtok_usd: 0.02,
    output_per_mtok_usd: 0,
    free: true,
    safety_score: 0.9,
    context_window: 8_191,
  },
  {
    id: 'text-embedding-3-large',
    provider: 'openai',
    tier: 'economy',
    input_per_mtok_usd: 0.13,
    output_per_mtok_usd: 0,
    free: true,
    safety_score: 0.9,
    context_window: 8_191,
  },
  {
    id: 'gemini-2.5-pro',
    provider: 'google',
    tier: 'premium',
    input_per_mtok_usd: 1.25,
    output_per_mtok_usd: 10,
    free: false,
    safety_score: 0.87,
    context_window: 1_048_576,
    reasoning: true,
  },
  {
    id: 'gemini-2.5-flash',
    provider: 'google',
    tier: 'economy',
    input_per_mtok_usd: 0.3,
    output_per_mtok_usd: 2.5,
    free: true,
    safety_score: 0.83,
    context_window: 1_048_576,
  },
  {
    id: 'gemini-2.0-flash',
    provider: 'google',
    tier: 'economy',
    input_per_mtok_usd: 0.1,
    output_per_mtok_usd: 0.4,
    free: true,
    context_window: 1_048_576,
  },
  // The built-in deterministic provider, priced like small real models so budgets are testable.
  {
    id: 'mock/echo',
    provider: 'mock',
    tier: 'economy',
    input_per_mtok_usd: 0.15,
    output_per_mtok_usd: 0.6,
    free: true,
    safety_score: 0.9,
    context_window: 128_000,
  },
  {
    id: 'mock/echo-premium',
    provider: 'mock',
    tier: 'premium',
    input_per_mtok_usd: 15,
    output_per_mtok_usd: 75,
    free: false,
    safety_score: 0.95,
    context_window: 200_000,
  },
  {
    id: 'mock/embed',
    provider: 'mock',
    tier: 'economy',
    input_per_mtok_usd: 0.02,
    output_per_mtok_usd: 0,
    free: true,
    safety_score: 0.9,
    context_window: 8_192,
  },
  {
    id: 'mock/echo-unrated',
    provider: 'mock',
    tier: 'economy',
    input_per_mtok_usd: 0.1,
    output_per_mtok_usd: 0.4,
    free: true,
    context_window: 128_000,
  },
];

const byId = new Map(MODEL_CATALOGUE.map((m) => [m.id, m]));

/**
 * What a model name may hold: letters, digits and `. _ : @ + -`, segments joined by `/`
 * (`openrouter/meta-llama/llama-3.1-8b`, `ollama/llama3.1:8b`). A path-like name (`..`,
 * empty segments, backslashes, spaces, `%`) is not a model and must never reach a URL.
 */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@+/-]*$/;

/**
 * Resolves a client's model name: a catalogue id (`gpt-4o`), or `provider/model`
 * (`openai/gpt-4o`, `groq/llama-3.1-8b-instant`). Unknown `provider/model` names resolve
 * to an uncatalogued model of that provider (no price, no safety score).
 */
export function resolveModel(
  name: string,
): { id: string; provider: string; upstreamModel: string; entry: CatalogueModel | null } | null {
  const direct = byId.get(name);
  if (direct)
    return {
      id: direct.id,
      provider: direct.provider,
      upstreamModel: upstreamName(direct),
      entry: direct,
    };
  if (
    !MODEL_NAME.test(name) ||
    name.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')
  )
    return null;
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return null;
  const provider = name.slice(0, slash);
  const model = name.slice(slash + 1);
  const entry = byId.get(model) ?? byId.get(name) ?? null;
  if (entry && entry.provider === provider)
    return { id: entry.id, provider, upstreamModel: upstreamName(entry), entry };
  return { id: name, provider, upstreamModel: model, entry: null };
}

function upstreamName(m: CatalogueModel): string {
  return m.id.startsWith(`${m.provider}/`) ? m.id.slice(m.provider.length + 1) : m.id;
}

export const TIER_ORDER: Record<CostTier, number> = {
  economy: 0,
  standard: 1,
  premium: 2,
  frontier: 3,
};
