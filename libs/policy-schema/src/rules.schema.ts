import { z } from 'zod';
import { contentCategory, piiPattern, piiPatternAction } from './settings.schema';
import { modelName } from './model-name';

const usd = z.number().nonnegative().finite();

/** Config of each typed policy (meshai style, `/governance/policies`). */
export const ruleConfigs = {
  model_allowlist: z.object({ allowed_models: z.array(modelName).min(1) }).strict(),
  block_provider: z.object({ provider: z.string().min(1) }).strict(),
  require_approval: z
    .object({
      environment: z.string().min(1).optional(),
      min_cost_usd: usd.optional(),
      models: z.array(modelName).optional(),
    })
    .strict(),
  budget_limit: z
    .object({ monthly_limit_usd: usd.optional(), daily_limit_usd: usd.optional() })
    .strict()
    .refine((c) => c.monthly_limit_usd !== undefined || c.daily_limit_usd !== undefined, {
      message: 'monthly_limit_usd or daily_limit_usd is required',
    }),
  rate_limit: z
    .object({
      requests_per_minute: z.number().int().positive(),
      burst_pct: z.number().min(0).max(1000).optional(),
    })
    .strict(),
  require_human_review: z
    .object({
      review_interval_days: z.number().int().positive(),
      on_overdue: z.enum(['block', 'warn']).optional(),
    })
    .strict(),
  pii_scan: z.object({ patterns: z.partialRecord(piiPattern, piiPatternAction) }).strict(),
  content_safety: z.object({ blocked_categories: z.array(contentCategory) }).strict(),
  security_scan: z
    .object({
      enabled: z.boolean().optional(),
      sensitivity: z.enum(['low', 'medium', 'high']).optional(),
    })
    .strict(),
  minimum_safety_score: z.object({ minimum_safety_score: z.number().min(0).max(1) }).strict(),
  max_chain_length: z.object({ max_chain_length: z.number().int().positive() }).strict(),
  required_fields: z
    .object({
      fields: z.array(z.enum(['purpose', 'user_consent_id', 'agent_id', 'session_id'])).min(1),
    })
    .strict(),
} as const;

export type PolicyType = keyof typeof ruleConfigs;
export const POLICY_TYPES = Object.keys(ruleConfigs) as PolicyType[];
export const policyType = z.enum(POLICY_TYPES as [PolicyType, ...PolicyType[]]);
export type RuleConfig<T extends PolicyType> = z.infer<(typeof ruleConfigs)[T]>;

export const ruleScope = z.enum(['global', 'team', 'agent', 'key']);
export type RuleScope = z.infer<typeof ruleScope>;

/** A typed policy rule as stored in the document and answered by the API. */
export interface PolicyRule<T extends PolicyType = PolicyType> {
  id: string;
  name: string;
  description: string | null;
  policy_type: T;
  config: RuleConfig<T>;
  scope: RuleScope;
  team_id: string | null;
  agent_id: string | null;
  key_id: string | null;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

/** The shape stored in a document (config checked per type by `parseRule`). */
export const policyRule = z
  .object({
    id: z.string(),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).nullable(),
    policy_type: policyType,
    config: z.record(z.string(), z.unknown()),
    scope: ruleScope,
    team_id: z.string().nullable(),
    agent_id: z.string().nullable(),
    key_id: z.string().nullable(),
    enabled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .strict();
