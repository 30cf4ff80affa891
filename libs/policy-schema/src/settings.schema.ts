import { z } from 'zod';
import { modelName } from './model-name';
import { contentCategory, piiPattern, piiPatternAction } from './categories';
import { remoteGuardrails } from './guardrails.schema';

export * from './categories';

export const COST_TIERS = ['economy', 'standard', 'premium', 'frontier'] as const;
export const costTier = z.enum(COST_TIERS);
export type CostTier = z.infer<typeof costTier>;

export const modelAllowlist = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('all') }).strict(),
  z.object({ mode: z.literal('tier'), max_tier: costTier }).strict(),
  z.object({ mode: z.literal('explicit'), models: z.array(modelName) }).strict(),
]);
export type ModelAllowlist = z.infer<typeof modelAllowlist>;

const usd = z.number().nonnegative().finite();
const positiveInt = z.number().int().positive();

/**
 * The org governance settings (curate-me style, `/gateway/admin/governance/policy`).
 * USD amounts are decimals on the wire, as the seed shows; `null` means unlimited
 * (the seed's "Custom"/"Unlimited" for enterprise).
 */
export const governanceSettings = z
  .object({
    rate_limit_rpm: positiveInt.nullable(),
    key_rpm: positiveInt.nullable(),
    burst_pct: z.number().min(0).max(1000),
    /** Plan daily request quota (429 plan_quota); null = unlimited. */
    daily_request_quota: positiveInt.nullable(),
    daily_budget_usd: usd.nullable(),
    per_request_limit_usd: usd.nullable(),
    team_budgets: z.record(z.string(), usd),
    key_budgets: z.record(z.string(), usd),
    runner_session_budget_usd: usd.nullable(),
    pii_scanning_enabled: z.boolean(),
    /** Default action for patterns not set in `pii_patterns`. */
    pii_action: z.enum(['block', 'warn', 'redact']),
    pii_patterns: z.partialRecord(piiPattern, piiPatternAction),
    /**
     * ISO 3166 region of phone numbers written without a country code (default US when
     * absent): "020 7946 0958" is a London number for GB, not a valid US one.
     */
    pii_phone_region: z
      .string()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 region in capitals, e.g. GB')
      .optional(),
    content_safety: z.array(contentCategory),
    /** Content gate: categories that send a request to human review (202) instead of blocking. */
    content_review: z.array(contentCategory),
    /**
     * Threshold set of the content classifiers (default medium when absent): low ≈ 1 %,
     * medium ≈ 3 %, high ≈ 5 % false positives on held-out benign text.
     */
    content_sensitivity: z.enum(['low', 'medium', 'high']).optional(),
    model_allowlist: modelAllowlist,
    hitl_cost_threshold_usd: usd.nullable(),
    hitl_timeout_hours: z
      .number()
      .positive()
      .max(24 * 30),
    security_scanner: z
      .object({ enabled: z.boolean(), sensitivity: z.enum(['low', 'medium', 'high']) })
      .strict(),
    /** Remote detectors run beside the local ones (docs/guardrails.md); absent: none. */
    remote_guardrails: remoteGuardrails.optional(),
    body_size_limit_bytes: positiveInt,
    reasoning_token_cap: positiveInt.nullable(),
  })
  .strict();
export type GovernanceSettings = z.infer<typeof governanceSettings>;

/** A partial update (PUT is partial): unknown fields and wrong types answer 400 naming them. */
export const governanceSettingsPatch = governanceSettings.partial().strict();
export type GovernanceSettingsPatch = z.infer<typeof governanceSettingsPatch>;
