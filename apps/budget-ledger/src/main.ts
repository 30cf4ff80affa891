import '@llmgov/telemetry/register';
import { runService, runtimeFromEnv } from '@llmgov/service-kit';
import { BudgetLedgerModule } from './budget-ledger.module';
import { loadLedgerConfig } from './config';

const config = loadLedgerConfig();
void runService({
  name: 'budget-ledger',
  ...runtimeFromEnv(config),
  module: (runtime) =>
    BudgetLedgerModule.forRoot({
      ...runtime,
      schema: config.DB_SCHEMA,
      snapshotToken: config.BUDGET_SNAPSHOT_TOKEN ?? null,
    }),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
