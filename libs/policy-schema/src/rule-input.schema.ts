import { z } from 'zod';
import { POLICY_TYPES, ruleConfigs, ruleScope, type PolicyType } from './rules.schema';

const scopeIds = {
  team_id: z.string().min(1).nullable().optional(),
  agent_id: z.string().min(1).nullable().optional(),
  key_id: z.string().min(1).nullable().optional(),
};
const common = {
  name: z.string().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  scope: ruleScope.default('global'),
  ...scopeIds,
  enabled: z.boolean().default(true),
};

/** Which id field each scope needs (`global` none). */
export const SCOPE_ID_FIELD = {
  global: null,
  team: 'team_id',
  agent: 'agent_id',
  key: 'key_id',
} as const;

type ScopeFields = {
  scope?: z.infer<typeof ruleScope>;
  team_id?: string | null;
  agent_id?: string | null;
  key_id?: string | null;
};

/** A scope names exactly the id its kind needs: `scope: "agent"` requires `agent_id`, and no other id. */
export function checkScopeIds(
  value: ScopeFields,
  ctx: { addIssue: (issue: { code: 'custom'; message: string; path: string[] }) => void },
): void {
  if (!value.scope) return;
  const needed = SCOPE_ID_FIELD[value.scope];
  for (const field of ['team_id', 'agent_id', 'key_id'] as const) {
    const present = value[field] !== undefined && value[field] !== null;
    if (field === needed && !present)
      ctx.addIssue({
        code: 'custom',
        message: `required when scope is '${value.scope}'`,
        path: [field],
      });
    if (field !== needed && present)
      ctx.addIssue({
        code: 'custom',
        message: `not allowed when scope is '${value.scope}'`,
        path: [field],
      });
  }
}

const variants = POLICY_TYPES.map((t) =>
  z.object({ ...common, policy_type: z.literal(t), config: ruleConfigs[t] }).strict(),
);

/** Body of `POST /governance/policies`: config checked against its `policy_type`. */
export const createRuleInput = z
  .discriminatedUnion(
    'policy_type',
    variants as unknown as [(typeof variants)[number], ...(typeof variants)[number][]],
  )
  .superRefine(checkScopeIds);
export type CreateRuleInput = {
  name: string;
  description?: string | null;
  policy_type: PolicyType;
  config: Record<string, unknown>;
  scope: z.infer<typeof ruleScope>;
  team_id?: string | null;
  agent_id?: string | null;
  key_id?: string | null;
  enabled: boolean;
};

/** Body of `PATCH /governance/policies/:id` (policy_type cannot change; config is checked against the rule's type). */
export const updateRuleInput = z
  .object({
    name: common.name.optional(),
    description: common.description,
    config: z.record(z.string(), z.unknown()).optional(),
    scope: ruleScope.optional(),
    ...scopeIds,
    enabled: z.boolean().optional(),
  })
  .strict();
export type UpdateRuleInput = z.infer<typeof updateRuleInput>;

/** Checks a rule's config against its type's schema. */
export const ruleConfigSchema = (type: PolicyType): z.ZodType => ruleConfigs[type];
