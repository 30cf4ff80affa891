import type { EventOf, TopicDescriptor } from '@llmgov/events';
import type { EventBus, PublishOptions } from '@llmgov/messaging';
import { context, type Context } from '@opentelemetry/api';
import { counter } from '@llmgov/telemetry';

const publishFailures = counter({
  name: 'gateway_event_publish_failures_total',
  help: 'Failed batch publishes of gateway events (retried).',
  labelNames: ['topic'] as const,
});
const dropped = counter({
  name: 'gateway_events_dropped_total',
  help: 'Gateway events dropped because the publish queue was full.',
  labelNames: ['topic'] as const,
});

/** `contexts[i]` is the trace context `events[i]` was enqueued in (its request's). */
interface Queue {
  topic: TopicDescriptor;
  events: EventOf<TopicDescriptor>[];
  contexts: Context[];
}

export interface EventPublisherOptions {
  /** How long events wait to be batched (default 10 ms). */
  lingerMs?: number;
  maxBatch?: number;
  /** Per topic; past it the oldest events are dropped and counted (default 100 000). */
  maxQueued?: number;
  onError?: (topic: string, err: unknown) => void;
  /**
   * How the bus validates each batch (default `'envelope'`: the events are built by typed
   * code in this app, the full zod parse cost ~2% of the gateway's CPU; consumers parse every
   * event with the schema anyway). Tests pass `'schema'`.
   */
  validate?: PublishOptions['validate'];
}

/**
 * Publishes gateway events off the hot path: `enqueue` returns at once, a timer sends
 * per-topic batches; a failed batch stays queued and is retried with backoff (failures
 * counted in `gateway_event_publish_failures_total`). The client never waits on Kafka.
 * Each event keeps the trace context it was enqueued in: a batch mixes many requests, and
 * every event must carry its own request's `traceparent` (issue 19).
 */
export class EventPublisher {
  private readonly queues = new Map<string, Queue>();
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private backoffMs = 0;
  private closed = false;
  /** Ids of the batch being sent (cannot be withdrawn). */
  private readonly inFlight = new Set<string>();
  private readonly lingerMs: number;
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private readonly publishOptions: PublishOptions;

  constructor(
    private readonly bus: EventBus,
    private readonly options: EventPublisherOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 10;
    this.maxBatch = options.maxBatch ?? 500;
    this.maxQueued = options.maxQueued ?? 100_000;
    this.publishOptions = { validate: options.validate ?? 'envelope' };
  }

  /**
   * Drops a queued event that was not sent yet (true if it was). The gateway withdraws a
   * request's `request.admitted` when its `request.completed` is queued before the batch
   * left: the completion settles it, so peers and the ledger lose nothing.
   */
  withdraw(topic: TopicDescriptor, eventId: string): boolean {
    const q = this.queues.get(topic.name);
    if (!q || this.inFlight.has(eventId)) return false;
    const i = q.events.findIndex((e) => e.id === eventId);
    if (i < 0) return false;
    q.events.splice(i, 1);
    q.contexts.splice(i, 1);
    return true;
  }

  enqueue<T extends TopicDescriptor>(topic: T, event: EventOf<T>): void {
    let q = this.queues.get(topic.name);
    if (!q) {
      q = { topic, events: [], contexts: [] };
      this.queues.set(topic.name, q);
    }
    if (q.events.length >= this.maxQueued) {
      q.events.shift();
      q.contexts.shift();
      dropped.labels(topic.name).inc();
    }
    q.events.push(event);
    q.contexts.push(context.active());
    this.schedule(this.lingerMs);
  }

  /** Sends everything queued now (tests, shutdown). */
  async flush(): Promise<void> {
    for (let i = 0; i < 50 && (this.pending() > 0 || this.sending); i++) {
      if (this.sending) await this.sending;
      else await this.sendAll();
      if (this.pending() > 0 && this.backoffMs > 0)
        await new Promise((r) => setTimeout(r, Math.min(this.backoffMs, 200)));
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.events.length;
    return n;
  }

  private schedule(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.sending) void this.sendAll();
    }, ms);
    this.timer.unref();
  }

  private sendAll(): Promise<void> {
    this.sending = (async () => {
      for (const q of this.queues.values()) {
        // What was queued when the linger ended leaves now; what comes during the round trip
        // waits for its own linger (scheduled as it is queued), so that a request completing
        // within it still withdraws its admission. Draining it at once sent a second produce
        // per linger at light load, mostly a lone `request.admitted` (issue 14).
        let due = q.events.length;
        while (due > 0 && q.events.length > 0) {
          const batch = q.events.slice(0, Math.min(due, this.maxBatch));
          for (const e of batch) this.inFlight.add(e.id);
          try {
            const traceContexts = q.contexts.slice(0, batch.length);
            await this.bus.publishBatch(q.topic, batch, { ...this.publishOptions, traceContexts });
            q.events.splice(0, batch.length);
            q.contexts.splice(0, batch.length);
            due -= batch.length;
            for (const e of batch) this.inFlight.delete(e.id);
            this.backoffMs = 0;
          } catch (err) {
            for (const e of batch) this.inFlight.delete(e.id);
            publishFailures.labels(q.topic.name).inc();
            this.options.onError?.(q.topic.name, err);
            this.backoffMs = Math.min(5_000, this.backoffMs ? this.backoffMs * 2 : 100);
            break;
          }
        }
      }
    })().finally(() => {
      this.sending = null;
      if (this.pending() > 0) this.schedule(this.backoffMs || this.lingerMs);
    });
    return this.sending;
  }
}
