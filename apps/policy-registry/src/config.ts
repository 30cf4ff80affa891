import { z } from 'zod';

/** The registry's environment, validated once at boot. */
export const registryConfig = z.object({
  PORT: z.coerce.number().int().positive().default(8081),
  DATABASE_URL: z.string().min(1),
  KAFKA_BROKERS: z.string().min(1).transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
  TOPIC_PREFIX: z.string().default(''),
  JWT_SECRET: z.string().min(1).optional(),
  JWT_JWKS_URL: z.url().optional(),
  BOOTSTRAP_ADMIN_KEY: z.string().startsWith('msh_').optional(),
  REPLICA_ID: z.string().min(1).optional(),
  DB_SCHEMA: z.string().default('policy_registry'),
});
export type RegistryConfig = z.infer<typeof registryConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): RegistryConfig => registryConfig.parse(env);
