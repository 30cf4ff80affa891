import { defineTopic, envelope, type EventOf } from '@llmgov/events';
import type { EventBus, RawRecord } from '@llmgov/messaging';
import { databaseUrl, testSchema } from '@llmgov/testing';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { createDataSource } from './data-source';
import { EventStore } from './event-store';
import { eventstoreMigrations } from './migrations/eventstore.migrations';
import { outboxMessage } from './outbox/outbox-message';
import type { NewEvent } from './stored-event';

/** A schema of its own with the event store migrated into it (int tests). */
export async function eventstoreFixture(prefix: string): Promise<{
  schema: string;
  dataSource: DataSource;
  store: EventStore;
  cleanup(): Promise<void>;
}> {
  const schema = await testSchema(prefix);
  const dataSource = await createDataSource({
    url: databaseUrl(),
    schema: schema.name,
    migrations: eventstoreMigrations(schema.name),
    poolSize: 8,
  });
  return {
    schema: schema.name,
    dataSource,
    store: new EventStore(dataSource, schema.name),
    cleanup: async () => {
      await dataSource.destroy();
      await schema.cleanup();
    },
  };
}

const CounterIncremented = envelope(
  'counter.incremented',
  z.object({ counter_id: z.string(), version: z.number().int().positive() }),
);

/** A test topic: one stream per counter, keyed by the counter id. */
export const countersTopic = defineTopic(
  'eventstore-test.counters.v1',
  'Counters (tests)',
  'counter_id',
  ['counter.incremented'],
  CounterIncremented,
);
export type CounterEvent = EventOf<typeof countersTopic>;

/** Event `version` of counter `streamId`, as an envelope and as the store's NewEvent (same id). */
export function counterEvent(
  streamId: string,
  version: number,
  salt = '',
): { envelope: CounterEvent; stored: NewEvent } {
  const envelope: CounterEvent = {
    id: `evt_${streamId}_${version}${salt}`,
    type: 'counter.incremented',
    source: 'llmgov/eventstore-test',
    time: new Date(Date.UTC(2025, 0, 1, 0, 0, version)).toISOString(),
    subject: streamId,
    data: { counter_id: streamId, version },
  };
  return { envelope, stored: { event_id: envelope.id, type: envelope.type, data: envelope.data } };
}

/** Appends event `version` of a counter with its outbox message, expecting version - 1. */
export function appendCounter(store: EventStore, streamId: string, version: number, salt = '') {
  const { envelope, stored } = counterEvent(streamId, version, salt);
  return store.append(streamId, 'counter', version - 1, [stored], {
    outbox: [outboxMessage(countersTopic, envelope)],
  });
}

/**
 * A bus whose connection "drops" after `budget` records: it publishes that many, then
 * throws, as a relay killed mid-batch would leave things.
 */
export class BusFailingAfter implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private budget: number,
  ) {}

  async publishRaw(topicName: string, records: RawRecord[]): Promise<void> {
    const allowed = records.slice(0, Math.max(0, this.budget));
    this.budget -= allowed.length;
    if (allowed.length > 0) await this.inner.publishRaw(topicName, allowed);
    if (allowed.length < records.length) throw new Error('connection to the broker lost');
  }

  publish: EventBus['publish'] = (topic, event) => this.inner.publish(topic, event);
  publishBatch: EventBus['publishBatch'] = (topic, events) =>
    this.inner.publishBatch(topic, events);
  subscribe: EventBus['subscribe'] = (options) => this.inner.subscribe(options);
  ensureTopics: EventBus['ensureTopics'] = (topics) => this.inner.ensureTopics(topics);
  close = (): Promise<void> => this.inner.close();
}
