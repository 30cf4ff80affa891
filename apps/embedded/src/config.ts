import { join, resolve } from 'node:path';
import { z } from 'zod';
import { webhookSecretsFromEnv } from '@llmgov/audit';

/** The embedded mode's configuration: environment, validated once at boot. */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Loopback by default: the embedded mode is a laptop's. `HOST=0.0.0.0` to serve a network. */
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().default('./.data'),
  BOOTSTRAP_ADMIN_KEY: z
    .string()
    .regex(/^msh_[A-Za-z0-9]{20,}$/, 'must be msh_ followed by at least 20 letters or digits')
    .optional(),
  JWT_SECRET: z.string().min(16).optional(),
  JWT_JWKS_URL: z.string().url().optional(),
  /** Skip creating the demo org (for automation that provisions its own). */
  DEMO: z.enum(['on', 'off']).default('on'),
  /** The built web console served at /console (default apps/console/dist, built by npm install). */
  CONSOLE_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).default('log'),
  /** The event log rolls to a new segment file past this size (bytes; default 64 MiB). */
  EVENT_LOG_SEGMENT_BYTES: z.coerce
    .number()
    .int()
    .min(4096)
    .default(64 * 1024 * 1024),
  /**
   * Whole UTC months of request events the event log keeps before the current one (the
   * gateway's budgets fold them at start): at least 1, for the monthly budgets.
   */
  EVENT_LOG_RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(1),
  /** How often the event log compacts while running (ms; it also does at start). */
  EVENT_LOG_COMPACT_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(60 * 60 * 1000),
  /**
   * How far behind (ms) the ledger, audit or registry may fall on what the gateway produces
   * before new gateway requests wait for them (`IngestPacer`); 0: never wait.
   */
  INGEST_MAX_LAG_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /** As in the distributed mode (README configuration table). */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  HTTP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(120_000),
  REQUEST_DEADLINE_MS: z.coerce
    .number()
    .int()
    .positive()
    .max(600_000, 'must stay below the reservation TTL (600000)')
    .default(300_000),
  /** Alert webhooks, as the audit service's (README configuration table). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).default(1000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});

export type EmbeddedConfig = z.infer<typeof schema> & {
  dataDir: string;
  /** `WEBHOOK_SECRET_<NAME>` variables by name (alert webhook HMAC secrets). */
  webhookSecrets: Map<string, string>;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): EmbeddedConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join('.')}: ${i.message}`)
      .join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return {
    ...parsed.data,
    dataDir: resolve(parsed.data.DATA_DIR),
    webhookSecrets: webhookSecretsFromEnv(env),
    CONSOLE_DIR: resolve(
      parsed.data.CONSOLE_DIR ?? join(__dirname, '..', '..', '..', 'apps', 'console', 'dist'),
    ),
  };
}
