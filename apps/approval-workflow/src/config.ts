import { z } from 'zod';
import { loadEnv, serviceEnv } from '@llmgov/service-kit';

/** The approval workflow's environment, validated once at boot. */
export const approvalConfigSchema = serviceEnv(8083).extend({
  EXPIRY_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
});
export type ApprovalConfig = z.infer<typeof approvalConfigSchema>;

export const loadApprovalConfig = (env: NodeJS.ProcessEnv = process.env): ApprovalConfig =>
  loadEnv(approvalConfigSchema, 'approval-workflow', env);
