import { Module, type DynamicModule } from '@nestjs/common';
import { createEventBus } from '@llmgov/messaging';
import { bootstrapService, HealthModule, newId, systemClock } from '@llmgov/service-kit';
import { BudgetLedgerModule } from './budget-ledger.module';
import { loadLedgerConfig } from './config';

async function main(): Promise<void> {
  const config = loadLedgerConfig();
  const replicaId = config.REPLICA_ID ?? newId('replica');
  const bus = createEventBus({ kind: 'kafka', brokers: config.KAFKA_BROKERS, clientId: `budget-ledger-${replicaId}`, topicPrefix: config.TOPIC_PREFIX });

  @Module({})
  class RootModule {
    static forRoot(): DynamicModule {
      return {
        module: RootModule,
        imports: [
          HealthModule,
          BudgetLedgerModule.forRoot({
            bus,
            databaseUrl: config.DATABASE_URL,
            replicaId,
            clock: systemClock,
            jwt: { secret: config.JWT_SECRET, jwksUrl: config.JWT_JWKS_URL },
            poolSize: config.DB_POOL_SIZE,
            snapshotToken: config.BUDGET_SNAPSHOT_TOKEN ?? null,
          }),
        ],
      };
    }
  }

  const app = await bootstrapService(RootModule.forRoot(), { name: 'budget-ledger', port: config.PORT });
  process.once('SIGTERM', () => void app.close().then(() => bus.close()));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
