import { z } from 'zod';
import { loadEnv, serviceEnv } from '@llmgov/service-kit';

/** The audit service's environment, validated once at boot. */
export const auditConfigSchema = serviceEnv(8084).extend({
  AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  AUDIT_SEGMENT_SIZE: z.coerce.number().int().positive().default(10_000),
  AUDIT_DEFAULT_RETENTION_DAYS: z.coerce.number().int().positive().default(365),
  AUDIT_CONSUMERS_PER_TOPIC: z.coerce.number().int().positive().default(3),
  /** Alert webhooks: tries before the dead letter, first retry delay (doubled each retry). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).default(1000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});
export type AuditConfig = z.infer<typeof auditConfigSchema>;

export const loadAuditConfig = (env: NodeJS.ProcessEnv = process.env): AuditConfig =>
  loadEnv(auditConfigSchema, 'audit', env);
