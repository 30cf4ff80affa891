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
  handleOnce(consumer: string, eventId: string, fn: (manager: EntityManager) => Promise<void>): Promise<boolean> {
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
}
