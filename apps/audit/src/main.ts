import { Module, type DynamicModule } from '@nestjs/common';
import { createEventBus } from '@llmgov/messaging';
import { bootstrapService, HealthModule, newId, systemClock } from '@llmgov/service-kit';
import { AuditModule } from './audit.module';
import { loadAuditConfig } from './config';

async function main(): Promise<void> {
  const config = loadAuditConfig();
  const replicaId = config.REPLICA_ID ?? newId('replica');
  const bus = createEventBus({ kind: 'kafka', brokers: config.KAFKA_BROKERS, clientId: `audit-${replicaId}`, topicPrefix: config.TOPIC_PREFIX });

  @Module({})
  class RootModule {
    static forRoot(): DynamicModule {
      return {
        module: RootModule,
        imports: [
          HealthModule,
          AuditModule.forRoot({
            bus,
            databaseUrl: config.DATABASE_URL,
            replicaId,
            clock: systemClock,
            jwt: { secret: config.JWT_SECRET, jwksUrl: config.JWT_JWKS_URL },
            poolSize: config.DB_POOL_SIZE,
            signingKey: config.AUDIT_SIGNING_KEY,
            segmentSize: config.AUDIT_SEGMENT_SIZE,
            defaultRetentionDays: config.AUDIT_DEFAULT_RETENTION_DAYS,
            consumersPerTopic: config.AUDIT_CONSUMERS_PER_TOPIC,
          }),
        ],
      };
    }
  }

  const app = await bootstrapService(RootModule.forRoot(), { name: 'audit', port: config.PORT });
  app.enableShutdownHooks();
  process.once('SIGTERM', () => void app.close().then(() => bus.close()));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
