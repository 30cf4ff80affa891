import '@llmgov/telemetry/register';
import { runServiceFromEnv } from '@llmgov/service-kit';
import { GatewayModule } from './gateway.module';
import { loadConfig } from './config';
import { heldAnswerKey } from './forward/confidence';

const config = loadConfig();
runServiceFromEnv('gateway', config, (runtime) =>
  GatewayModule.forRoot({
    ...runtime,
    approvalServiceUrl: config.APPROVAL_SERVICE_URL,
    upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    heldAnswerKey: heldAnswerKey(config.HELD_ANSWER_KEY),
    requestDeadlineMs: config.REQUEST_DEADLINE_MS,
    replicaHeartbeatMs: config.REPLICA_HEARTBEAT_MS,
    replicaTimeoutMs: config.REPLICA_TIMEOUT_MS,
    replicaLagMs: config.REPLICA_LAG_MS,
  }),
);
