import { observedGauge } from './observed-gauge';

/**
 * Messages a consumer group has yet to process, per topic (summed over partitions). The Kafka
 * adapter pushes it from each batch (`batch.offsetLag()`); an admin-based reader can observe it.
 */
export const consumerLag = observedGauge({
  name: 'messaging_consumer_lag_messages',
  help: 'Messages not yet processed by a consumer group, per topic.',
  labelNames: ['topic', 'group'] as const,
});

/** Outbox rows written but not yet published, per service (observed at scrape time). */
export const outboxBacklog = observedGauge({
  name: 'eventstore_outbox_backlog',
  help: 'Outbox rows not yet published to the bus, per service.',
  labelNames: ['service'] as const,
});

/** The policy version each org has in force at this gateway replica (0 when none is active). */
export const policyVersionInForce = observedGauge({
  name: 'gateway_policy_version',
  help: 'Version of the policy document in force per org at this replica.',
  labelNames: ['org_id'] as const,
});

/** Approvals waiting for a reviewer, per org (observed at scrape time). */
export const approvalsPending = observedGauge({
  name: 'approvals_pending',
  help: 'HITL approvals pending a decision, per org.',
  labelNames: ['org_id'] as const,
});
