import '@llmgov/telemetry/register';
import { runService, runtimeFromEnv } from '@llmgov/service-kit';
import { ApprovalWorkflowModule } from './approval-workflow.module';
import { loadApprovalConfig } from './config';

const config = loadApprovalConfig();
void runService({
  name: 'approval-workflow',
  ...runtimeFromEnv(config),
  module: (runtime) =>
    ApprovalWorkflowModule.forRoot({
      ...runtime,
      schema: config.DB_SCHEMA,
      sweepIntervalMs: config.EXPIRY_SWEEP_INTERVAL_MS,
    }),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
