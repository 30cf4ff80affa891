import type { ServiceRuntime } from '@llmgov/service-kit';

/** What AuditModule.forRoot takes: the shared runtime plus the audit's own settings. */
export interface AuditModuleOptions extends ServiceRuntime {
  /** Postgres schema (default `audit`). */
  schema?: string;
  /** AUDIT_SIGNING_KEY: base64 PKCS#8 DER or PEM Ed25519 private key; generated and stored when absent. */
  signingKey?: string;
  /** Entries per retention segment (default 10 000). */
  segmentSize?: number;
  /** Retention of chains without a published policy (default 365 days, the plans' default). */
  defaultRetentionDays?: number;
  /** How often retention runs (default hourly; 0 disables the timer). */
  retentionIntervalMs?: number;
  /** Consumers per topic in this replica (default 1; match the partition count, 3, for throughput). */
  consumersPerTopic?: number;
  /** Alert webhook HMAC secrets by name (`webhookSecretsFromEnv`); default none. */
  webhookSecrets?: ReadonlyMap<string, string>;
  /** Alert webhook delivery: tries, first retry delay (doubled each time), per-try timeout, poll. */
  webhooks?: { maxAttempts?: number; backoffMs?: number; timeoutMs?: number; pollMs?: number };
  /** Consume the topics (default true; tests of the read side may turn it off). */
  consume?: boolean;
}

export const AUDIT_OPTIONS = Symbol('AUDIT_OPTIONS');
