import '@llmgov/telemetry/register';
import { runServiceFromEnv } from '@llmgov/service-kit';
import { BudgetLedgerModule } from './budget-ledger.module';
import { loadLedgerConfig } from './config';

const config = loadLedgerConfig();
runServiceFromEnv('budget-ledger', config, (runtime) =>
  BudgetLedgerModule.forRoot({
    ...runtime,
    schema: config.DB_SCHEMA,
    snapshotToken: config.BUDGET_SNAPSHOT_TOKEN ?? null,
  }),
);
