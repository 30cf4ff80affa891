import { z } from 'zod';

/** The budget ledger's environment, validated once at boot. */
export const ledgerConfigSchema = z.object({
  PORT: z.coerce.number().int().positive().default(8082),
  DATABASE_URL: z.string().min(1),
  KAFKA_BROKERS: z.string().min(1).transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
  TOPIC_PREFIX: z.string().default(''),
  JWT_SECRET: z.string().min(1).optional(),
  JWT_JWKS_URL: z.url().optional(),
  DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
  REPLICA_ID: z.string().min(1).optional(),
  BUDGET_SNAPSHOT_TOKEN: z.string().min(16).optional(),
});
export type LedgerConfig = z.infer<typeof ledgerConfigSchema>;

export function loadLedgerConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const parsed = ledgerConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid budget-ledger configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
