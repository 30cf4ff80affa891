import { z } from 'zod';

/**
 * The environment every standalone service reads (distributed mode). Services extend it
 * with their own variables: `serviceEnv(8082).extend({ BUDGET_SNAPSHOT_TOKEN: … })`.
 */
export const serviceEnv = (defaultPort: number) =>
  z.object({
    PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    DATABASE_URL: z.string().min(1),
    KAFKA_BROKERS: z
      .string()
      .min(1)
      .transform((s) =>
        s
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      ),
    TOPIC_PREFIX: z.string().default(''),
    JWT_SECRET: z.string().min(16).optional(),
    JWT_JWKS_URL: z.url().optional(),
    DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
    /** The service's own Postgres schema (default: the service name in snake_case). */
    DB_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and _')
      .optional(),
    /** Unique per process; on Kubernetes the pod name. */
    REPLICA_ID: z.string().min(1).optional(),
    /** Longest a client may take to send a whole request (0 = none); a slow body is answered 408. */
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
    /** An idle socket is closed after this long (0 = none). */
    HTTP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(120_000),
  });
export type ServiceEnv = z.infer<ReturnType<typeof serviceEnv>>;

/** Validates the environment once at boot; a bad value stops the service with every problem named. */
export function loadEnv<S extends z.ZodType>(
  schema: S,
  service: string,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`)
      .join('\n');
    throw new Error(`Invalid ${service} configuration:\n${problems}`);
  }
  return parsed.data;
}

/** The runService options that come straight from the common environment. */
export const runtimeFromEnv = (env: ServiceEnv) => ({
  port: env.PORT,
  kafkaBrokers: env.KAFKA_BROKERS,
  topicPrefix: env.TOPIC_PREFIX,
  replicaId: env.REPLICA_ID,
  databaseUrl: env.DATABASE_URL,
  jwt: { secret: env.JWT_SECRET, jwksUrl: env.JWT_JWKS_URL },
  poolSize: env.DB_POOL_SIZE,
  requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
  connectionTimeoutMs: env.HTTP_CONNECTION_TIMEOUT_MS,
});
