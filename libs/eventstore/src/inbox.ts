import type { DataSource, EntityManager } from 'typeorm';
import { qualified } from './sql';

/**
 * Makes a consumer idempotent: the bus delivers at least once (a relay or consumer that
 * restarts sends or reads some messages again), and the inbox records each event id a
 * consumer processed in the same transaction as its effects.
 */
export class Inbox {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = qualified(schema, 'inbox');
  }

  /**
   * Runs `fn` and records `eventId` for `consumer` in one transaction. Returns false
   * without calling `fn` when the event was already processed. A concurrent duplicate
   * waits on the first one's row lock, then finds it recorded (or, if the first rolled
   * back, runs).
   */
  handleOnce(
    consumer: string,
    eventId: string,
    fn: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO ${this.table} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, eventId],
      )) as unknown[];
      if (inserted.length === 0) return false;
      await fn(manager);
      return true;
    });
  }

  /**
   * The batch form of `handleOnce`: records every id for `consumer` in one transaction and
   * runs `fn` once with the ids not processed before (an id twice in `eventIds` counts
   * once). Returns those ids; `fn` is not called when there are none. Ids are inserted in
   * sorted order, so concurrent batches sharing ids lock them alike and cannot deadlock.
   */
  handleBatchOnce(
    consumer: string,
    eventIds: readonly string[],
    fn: (manager: EntityManager, fresh: ReadonlySet<string>) => Promise<void>,
  ): Promise<ReadonlySet<string>> {
    const ids = [...new Set(eventIds)].sort();
    return this.dataSource.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO ${this.table} (consumer, event_id) SELECT $1, id FROM unnest($2::text[]) AS u(id) ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, ids],
      )) as { event_id: string }[];
      const fresh = new Set(inserted.map((r) => r.event_id));
      if (fresh.size > 0) await fn(manager, fresh);
      return fresh;
    });
  }
}
