import { z } from 'zod';
import { loadEnv, serviceEnv } from '@llmgov/service-kit';

/** The budget ledger's environment, validated once at boot. */
export const ledgerConfigSchema = serviceEnv(8082).extend({
  /** When set, `GET /budgets/snapshot` requires `Authorization: Bearer <token>` (gateways use it). */
  BUDGET_SNAPSHOT_TOKEN: z.string().min(16).optional(),
});
export type LedgerConfig = z.infer<typeof ledgerConfigSchema>;

export const loadLedgerConfig = (env: NodeJS.ProcessEnv = process.env): LedgerConfig =>
  loadEnv(ledgerConfigSchema, 'budget-ledger', env);
