import { allTopics, type TopicDescriptor } from '@llmgov/events';
import type { EventBus, Subscription } from '@llmgov/messaging';
import type { AuditLogWriter } from './audit-log.writer';
import { auditMetrics } from '../metrics';

/** The consumer group of the audit sink for a topic (replicas share its partitions). */
export const auditGroup = (topic: TopicDescriptor): string => `audit.log.${topic.name}`;

/**
 * Subscribes the writer to every topic of CONTRACT.md §5. `maxAttempts: Infinity`: a
 * failing append (database slow or down) is retried with backoff and the partition
 * pauses behind it, so nothing is skipped or dead-lettered; offsets are committed only
 * after the append committed (at least once; the writer dedupes by event id).
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
    const members = this.topics.flatMap((topic) => Array.from({ length: this.consumersPerTopic }, () => topic));
    this.subscriptions = await Promise.all(
      members.map((topic) =>
        this.bus.subscribe({
          topic,
          group: auditGroup(topic),
          fromBeginning: true,
          maxAttempts: Infinity,
          handler: async (event) => {
            let outcome;
            try {
              outcome = await this.writer.append(event, topic.name);
            } catch (error) {
              auditMetrics.failures.inc();
              throw error;
            }
            if (outcome === 'duplicate') auditMetrics.duplicates.inc();
            else auditMetrics.appended.inc({ topic: topic.name });
            const now = this.now().getTime();
            auditMetrics.lagSeconds.set({ topic: topic.name }, Math.max(0, (now - Date.parse(event.time)) / 1000));
          },
        }),
      ),
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
