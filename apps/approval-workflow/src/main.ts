import { Module } from '@nestjs/common';
import { createEventBus } from '@llmgov/messaging';
import { bootstrapService, HealthModule, newId, systemClock } from '@llmgov/service-kit';
import { ApprovalWorkflowModule } from './approval-workflow.module';
import { loadApprovalConfig } from './config';

async function main(): Promise<void> {
  const config = loadApprovalConfig();
  const replicaId = config.REPLICA_ID ?? newId('replica');
  const bus = createEventBus({ kind: 'kafka', brokers: config.KAFKA_BROKERS, clientId: `approval-workflow-${replicaId}`, topicPrefix: config.TOPIC_PREFIX });

  @Module({
    imports: [
      HealthModule,
      ApprovalWorkflowModule.forRoot({
        bus,
        databaseUrl: config.DATABASE_URL,
        schema: config.DATABASE_SCHEMA,
        replicaId,
        clock: systemClock,
        jwt: { secret: config.JWT_SECRET, jwksUrl: config.JWT_JWKS_URL },
        poolSize: config.DB_POOL_SIZE,
        sweepIntervalMs: config.EXPIRY_SWEEP_INTERVAL_MS,
      }),
    ],
  })
  class RootModule {}

  const app = await bootstrapService(RootModule, { name: 'approval-workflow', port: config.PORT });
  process.once('SIGTERM', () => void app.close().then(() => bus.close()));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
