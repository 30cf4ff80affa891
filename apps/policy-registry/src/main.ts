import '@llmgov/telemetry/register';
import { Module } from '@nestjs/common';
import { createEventBus } from '@llmgov/messaging';
import { HealthModule, bootstrapService, newId, systemClock } from '@llmgov/service-kit';
import { loadConfig } from './config';
import { PolicyRegistryModule } from './policy-registry.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const replicaId = config.REPLICA_ID ?? newId('replica');
  const bus = createEventBus({ kind: 'kafka', brokers: config.KAFKA_BROKERS, clientId: `policy-registry-${replicaId}`, topicPrefix: config.TOPIC_PREFIX });

  @Module({
    imports: [
      HealthModule,
      PolicyRegistryModule.forRoot({
        bus,
        databaseUrl: config.DATABASE_URL,
        schema: config.DB_SCHEMA,
        replicaId,
        clock: systemClock,
        jwt: { secret: config.JWT_SECRET, jwksUrl: config.JWT_JWKS_URL },
        bootstrapAdminKey: config.BOOTSTRAP_ADMIN_KEY,
      }),
    ],
  })
  class RootModule {}

  const app = await bootstrapService(RootModule, { name: 'policy-registry', port: config.PORT });
  const stop = async () => {
    await app.close();
    await bus.close();
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

void main();
