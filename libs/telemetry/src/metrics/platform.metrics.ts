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

/*
 * No metric carries an org id: `/metrics` answers without credentials (Prometheus scrapes it),
 * and tenant ids are tenant data (issue 17). Per-org figures are behind admin auth:
 * `GET /api/v1/policies/active`, `GET /approvals?status=pending`, `GET /budgets/status`.
 */

/** Orgs with a verified policy version in force at this gateway replica. */
export const policyOrgsInForce = observedGauge({
  name: 'gateway_policy_orgs_in_force',
  help: 'Orgs whose policy document has a verified version in force at this replica.',
  labelNames: [] as const,
});

/** Approvals waiting for a reviewer, all orgs together (observed at scrape time). */
export const approvalsPending = observedGauge({
  name: 'approvals_pending',
  help: 'HITL approvals pending a decision (all orgs).',
  labelNames: [] as const,
});
