export { AuditModule, AUDIT_DATA_SOURCE } from './audit.module';
export type { AuditModuleOptions } from './audit.options';
export {
  hashEntry,
  GENESIS_HASH,
  PLATFORM_CHAIN,
  type AuditEntry,
  type HashedEntry,
} from './chain/entry';
export { webhookSecretsFromEnv } from './webhooks/webhook-secrets';
export { signWebhook, verifyWebhook } from './webhooks/webhook-signature';
