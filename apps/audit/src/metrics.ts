import { counter, gauge } from '@llmgov/telemetry';

// In the registry `GET /metrics` serves (prom-client's default one is not served), one
// instance per name however many modules a process starts (tests, embedded mode).

export const auditMetrics = {
  appended: counter({
    name: 'audit_entries_appended_total',
    help: 'Events appended to the audit log',
    labelNames: ['topic'],
  }),
  duplicates: counter({
    name: 'audit_entries_duplicate_total',
    help: 'Redelivered events the audit log already held',
  }),
  failures: counter({
    name: 'audit_append_failures_total',
    help: 'Failed appends (retried by the bus until they succeed)',
  }),
  /** Events published on the topics and not yet in the log (sampled from Kafka offsets). */
  lagEvents: gauge({
    name: 'audit_consumer_lag_events',
    help: 'Events on the topics not yet appended to the audit log',
    labelNames: ['topic'],
  }),
  /** Age of the event last appended when it was appended: how far behind the sink runs. */
  lagSeconds: gauge({
    name: 'audit_consumer_lag_seconds',
    help: 'Now minus the time of the event last appended',
    labelNames: ['topic'],
  }),
};
