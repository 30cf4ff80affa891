import { policyTopic, requestsTopic } from '@llmgov/events';
import {
  INGEST_BATCH_WINDOW_MS,
  type EventBus,
  type MessageContext,
  type Subscription,
} from '@llmgov/messaging';
import type { LedgerWriter } from './ledger.writer';

/**
 * The ledger's subscriptions: usage and reservations from the gateways, budgets from the
 * active policy versions. One consumer group per topic, shared by ledger replicas. The
 * requests topic is taken in batches (one transaction each); a batch that fails is retried
 * one event at a time by the bus, so a bad event is dead-lettered alone.
 */
export class LedgerConsumer {
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly writer: LedgerWriter,
    private readonly group = 'budget-ledger',
  ) {}

  get running(): boolean {
    return this.subscriptions.length === 2;
  }

  async start(): Promise<void> {
    const policies = await this.bus.subscribe({
      topic: policyTopic,
      group: `${this.group}.policy`,
      handler: async (event) =>
        void (await this.writer.handle(`${this.group}.policy`, event, null)),
    });
    const consumer = `${this.group}.requests`;
    const position = (ctx: MessageContext) => ({
      topic: requestsTopic.name,
      partition: ctx.partition,
      offset: ctx.offset,
    });
    const requests = await this.bus.subscribe({
      topic: requestsTopic,
      group: consumer,
      batchWindowMs: INGEST_BATCH_WINDOW_MS,
      handler: async (event, ctx) =>
        void (await this.writer.handle(consumer, event, position(ctx))),
      batchHandler: async (items) =>
        void (await this.writer.handleBatch(
          consumer,
          items.map(({ event, ctx }) => ({ event, position: position(ctx) })),
        )),
    });
    this.subscriptions = [policies, requests];
  }

  async stop(): Promise<void> {
    const subs = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subs.map((s) => s.close()));
  }
}
