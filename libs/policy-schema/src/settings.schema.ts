import { z } from 'zod';
import { resolveModel } from './catalogue';
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

/** What an alert webhook can subscribe to (docs/webhooks.md lists the events of each). */
export const webhookEventKind = z.enum(['budget', 'policy_violation', 'approval', 'compliance']);
export type WebhookEventKind = z.infer<typeof webhookEventKind>;

/**
 * One alert webhook destination. The HMAC secret is referenced by name (`secret_name`: the
 * audit service reads `WEBHOOK_SECRET_<secret_name>` from its environment), never stored in
 * the document.
 */
export const alertWebhook = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _'),
    url: z
      .string()
      .url()
      .max(2048)
      .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
    secret_name: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'upper-case letters, digits and _ (an environment name)'),
    events: z.array(webhookEventKind).min(1),
    /** Share of policy violations delivered (1 = all; sampled by event id, so retries agree). */
    violation_sample_rate: z.number().min(0).max(1).optional(),
    /** `json` (the event, signed) or `slack` (a Slack incoming-webhook message). Default json. */
    format: z.enum(['json', 'slack']).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type AlertWebhook = z.infer<typeof alertWebhook>;

/**
 * One deployment of a model: where it is served and with which key. The key is referenced by
 * name (`key_name`: the gateway reads `DEPLOYMENT_KEY_<key_name>` from its environment), never
 * stored in the document; without `key_name` the deployment is called without a key (a local
 * server).
 */
export const modelDeployment = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _'),
    provider: z.string().min(1),
    base_url: z
      .string()
      .url()
      .max(2048)
      .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
    key_name: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'upper-case letters, digits and _ (an environment name)')
      .optional(),
    /** Share of traffic under the weighted strategy (default 1; 0 = only when the others fail). */
    weight: z.number().int().min(0).max(1000).optional(),
    /** The model name this deployment expects, when not the catalogue's (e.g. an Azure deployment). */
    model: z.string().min(1).max(256).optional(),
  })
  .strict();
export type ModelDeployment = z.infer<typeof modelDeployment>;

/** How one model is spread over its deployments (docs/routing.md). */
export const modelRoute = z
  .object({
    /** `weighted` (default): random by weight; `least_busy`: fewest requests in flight here. */
    strategy: z.enum(['weighted', 'least_busy']).optional(),
    deployments: z.array(modelDeployment).min(1).max(20),
    /** Tries per request over the deployments (default: their count, at least 2). */
    max_attempts: z.number().int().min(1).max(10).optional(),
    /** First retry delay, doubled per retry (default 100 ms); always within the request's deadline. */
    retry_backoff_ms: z.number().int().min(0).max(10_000).optional(),
    /** How long a deployment that failed (429, 5xx, timeout) is left out (default 30 s). */
    cooldown_s: z.number().min(0).max(3600).optional(),
  })
  .strict()
  .superRefine((route, ctx) => {
    const seen = new Set<string>();
    route.deployments.forEach((d, i) => {
      if (seen.has(d.id))
        ctx.addIssue({
          code: 'custom',
          path: ['deployments', i, 'id'],
          message: `deployment id '${d.id}' is used twice`,
        });
      seen.add(d.id);
    });
  });
export type ModelRoute = z.infer<typeof modelRoute>;

/**
 * Model name → its deployments. Every deployment serves the model's own provider (the one
 * `block_provider` and the provider allowlist judge), so routing never bypasses the gate.
 */
export const modelDeployments = z.record(z.string(), modelRoute).superRefine((routes, ctx) => {
  for (const [name, route] of Object.entries(routes)) {
    const model = resolveModel(name);
    if (!model) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `unknown model '${name}': use a catalogue name or the provider/model form`,
      });
      continue;
    }
    route.deployments.forEach((d, i) => {
      if (d.provider !== model.provider)
        ctx.addIssue({
          code: 'custom',
          path: [name, 'deployments', i, 'provider'],
          message: `a deployment of '${name}' must be of its provider '${model.provider}'`,
        });
    });
  }
});
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
    /**
     * Daily budgets per end user (OpenAI `user`, Anthropic `metadata.user_id`): a default for
     * every end user and overrides by user id (an override of 0 blocks that user). Requests
     * without an end user are not held to it. Absent: no per-user budget.
     */
    user_budgets: z
      .object({
        default_daily_usd: usd.nullable().optional(),
        overrides: z.record(z.string().min(1).max(256), usd).optional(),
      })
      .strict()
      .optional(),
    /** Models spread over several deployments (docs/routing.md); absent: each model's provider. */
    model_deployments: modelDeployments.optional(),
    /** Where the org's alerts are delivered over HTTP (docs/webhooks.md); absent: none. */
    alert_webhooks: z.array(alertWebhook).max(20).optional(),
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
    /**
     * Confidence gate (seed 003's HITL "model confidence below threshold", off when absent or
     * null): an answer whose mean token probability is below this value (0–1) is held for
     * review (202) instead of returned. Asks the upstream for log-probabilities.
     */
    hitl_confidence_threshold: z.number().min(0).max(1).nullable().optional(),
    /**
     * What the confidence gate does when the provider gives no log-probabilities (Anthropic):
     * `pass` (default: the answer is returned, the decision trace says so) or `hold`.
     */
    hitl_confidence_on_unsupported: z.enum(['pass', 'hold']).optional(),
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
