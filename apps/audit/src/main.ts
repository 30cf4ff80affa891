import '@llmgov/telemetry/register';
import { runServiceFromEnv } from '@llmgov/service-kit';
import { AuditModule } from './audit.module';
import { loadAuditConfig } from './config';
import { webhookSecretsFromEnv } from './webhooks/webhook-secrets';

const config = loadAuditConfig();
runServiceFromEnv('audit', config, (runtime) =>
  AuditModule.forRoot({
    ...runtime,
    schema: config.DB_SCHEMA,
    signingKey: config.AUDIT_SIGNING_KEY,
    segmentSize: config.AUDIT_SEGMENT_SIZE,
    defaultRetentionDays: config.AUDIT_DEFAULT_RETENTION_DAYS,
    consumersPerTopic: config.AUDIT_CONSUMERS_PER_TOPIC,
    webhookSecrets: webhookSecretsFromEnv(process.env),
    webhooks: {
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
      backoffMs: config.WEBHOOK_BACKOFF_MS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    },
  }),
);
