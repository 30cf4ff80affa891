import { z } from 'zod';

/** The approval workflow's environment, validated once at boot. */
export const approvalConfigSchema = z.object({
  PORT: z.coerce.number().int().positive().default(8083),
  DATABASE_URL: z.string().min(1),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('approval_workflow'),
  KAFKA_BROKERS: z.string().min(1).transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
  TOPIC_PREFIX: z.string().default(''),
  JWT_SECRET: z.string().min(1).optional(),
  JWT_JWKS_URL: z.url().optional(),
  DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
  REPLICA_ID: z.string().min(1).optional(),
  EXPIRY_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
});
export type ApprovalConfig = z.infer<typeof approvalConfigSchema>;

export function loadApprovalConfig(env: NodeJS.ProcessEnv = process.env): ApprovalConfig {
  const parsed = approvalConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid approval-workflow configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
