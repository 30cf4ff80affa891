import '@llmgov/telemetry/register';
import { runServiceFromEnv } from '@llmgov/service-kit';
import { ApprovalWorkflowModule } from './approval-workflow.module';
import { loadApprovalConfig } from './config';

const config = loadApprovalConfig();
runServiceFromEnv('approval-workflow', config, (runtime) =>
  ApprovalWorkflowModule.forRoot({
    ...runtime,
    schema: config.DB_SCHEMA,
    sweepIntervalMs: config.EXPIRY_SWEEP_INTERVAL_MS,
  }),
);
