import { z } from 'zod';

/** The audit service's environment, validated once at boot. */
export const auditConfigSchema = z.object({
  PORT: z.coerce.number().int().positive().default(8084),
  DATABASE_URL: z.string().min(1),
  KAFKA_BROKERS: z.string().min(1).transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
  TOPIC_PREFIX: z.string().default(''),
  JWT_SECRET: z.string().min(1).optional(),
  JWT_JWKS_URL: z.url().optional(),
  AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  AUDIT_SEGMENT_SIZE: z.coerce.number().int().positive().default(10_000),
  AUDIT_DEFAULT_RETENTION_DAYS: z.coerce.number().int().positive().default(365),
  AUDIT_CONSUMERS_PER_TOPIC: z.coerce.number().int().positive().default(3),
  DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
  REPLICA_ID: z.string().min(1).optional(),
});
export type AuditConfig = z.infer<typeof auditConfigSchema>;

export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const parsed = auditConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid audit configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
