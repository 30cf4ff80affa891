import { Counter, Gauge, register } from 'prom-client';

/** One instance per name in the default registry, however many modules a process starts (tests). */
function once<M>(name: string, make: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? make();
}

export const auditMetrics = {
  appended: once('audit_entries_appended_total', () => new Counter({ name: 'audit_entries_appended_total', help: 'Events appended to the audit log', labelNames: ['topic'] })),
  duplicates: once('audit_entries_duplicate_total', () => new Counter({ name: 'audit_entries_duplicate_total', help: 'Redelivered events the audit log already held' })),
  failures: once('audit_append_failures_total', () => new Counter({ name: 'audit_append_failures_total', help: 'Failed appends (retried by the bus until they succeed)' })),
  /** Events published on the topics and not yet in the log (sampled from Kafka offsets). */
  lagEvents: once('audit_consumer_lag_events', () => new Gauge({ name: 'audit_consumer_lag_events', help: 'Events on the topics not yet appended to the audit log', labelNames: ['topic'] })),
  /** Age of the event last appended when it was appended: how far behind the sink runs. */
  lagSeconds: once('audit_consumer_lag_seconds', () => new Gauge({ name: 'audit_consumer_lag_seconds', help: 'Now minus the time of the event last appended', labelNames: ['topic'] })),
};
