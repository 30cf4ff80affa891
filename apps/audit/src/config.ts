import { z } from 'zod';
import { loadEnv, serviceEnv } from '@llmgov/service-kit';

/** The audit service's environment, validated once at boot. */
export const auditConfigSchema = serviceEnv(8084).extend({
  AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  AUDIT_SEGMENT_SIZE: z.coerce.number().int().positive().default(10_000),
  AUDIT_DEFAULT_RETENTION_DAYS: z.coerce.number().int().positive().default(365),
  AUDIT_CONSUMERS_PER_TOPIC: z.coerce.number().int().positive().default(3),
});
export type AuditConfig = z.infer<typeof auditConfigSchema>;

export const loadAuditConfig = (env: NodeJS.ProcessEnv = process.env): AuditConfig =>
  loadEnv(auditConfigSchema, 'audit', env);
