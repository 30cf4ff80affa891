import { allTopics, type EnvelopeBase, type TopicDescriptor } from '@llmgov/events';
import { INGEST_BATCH_WINDOW_MS, type EventBus, type Subscription } from '@llmgov/messaging';
import type { AuditLogWriter } from './audit-log.writer';
import { auditMetrics } from '../metrics';

/** The consumer group of the audit sink for a topic (replicas share its partitions). */
export const auditGroup = (topic: TopicDescriptor): string => `audit.log.${topic.name}`;

/**
 * Subscribes the writer to every topic of CONTRACT.md §5. `maxAttempts: Infinity`: a
 * failing append (database slow or down) is retried with backoff and the partition
 * pauses behind it, so nothing is skipped or dead-lettered; offsets are committed only
 * after the append committed (at least once; the writer dedupes by event id). Events come
 * in batches (up to 500 of a partition), appended in one transaction per org chain.
 */
export class AuditConsumer {
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly writer: AuditLogWriter,
    private readonly now: () => Date,
    private readonly consumersPerTopic = 1,
    private readonly topics: readonly TopicDescriptor[] = allTopics,
  ) {}

  async start(): Promise<void> {
    await this.bus.ensureTopics(this.topics);
    // One group per topic, so one topic's rebalance never pauses the others; several
    // members per group, so each partition has its own consumer (the bus hands a
    // subscription its messages one at a time).
    const members = this.topics.flatMap((topic) =>
      Array.from({ length: this.consumersPerTopic }, () => topic),
    );
    this.subscriptions = await Promise.all(
      members.map((topic) =>
        this.bus.subscribe({
          topic,
          group: auditGroup(topic),
          fromBeginning: true,
          maxAttempts: Infinity,
          batchWindowMs: INGEST_BATCH_WINDOW_MS,
          handler: async (event) => this.record(topic, [event]),
          batchHandler: async (items) =>
            this.record(
              topic,
              items.map((i) => i.event),
            ),
        }),
      ),
    );
  }

  /** Appends a batch of one topic (one event when a batch failed and the bus retries each alone). */
  private async record(topic: TopicDescriptor, events: readonly EnvelopeBase[]): Promise<void> {
    let outcomes;
    try {
      outcomes = await this.writer.appendAll(events.map((event) => ({ event, topic: topic.name })));
    } catch (error) {
      auditMetrics.failures.inc();
      throw error;
    }
    const appended = outcomes.filter((o) => o === 'appended').length;
    if (outcomes.length > appended) auditMetrics.duplicates.inc(outcomes.length - appended);
    if (appended > 0) auditMetrics.appended.inc({ topic: topic.name }, appended);
    const last = events[events.length - 1];
    auditMetrics.lagSeconds.set(
      { topic: topic.name },
      Math.max(0, (this.now().getTime() - Date.parse(last.time)) / 1000),
    );
  }

  /** True once subscribed (readiness). */
  get running(): boolean {
    return this.subscriptions.length === this.topics.length * this.consumersPerTopic;
  }

  async stop(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((s) => s.close()));
  }
}
