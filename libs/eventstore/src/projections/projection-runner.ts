import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore } from '../event-store';
import { qualified } from '../sql';
import type { Projection } from './projection';

/**
 * Replays the store into projections. `rebuild` empties a read model and replays every
 * event in one transaction, so readers never see it half-built; `catchUp` applies what
 * was appended since the projection's checkpoint (a read model fed from the store
 * rather than the bus, or one just rebuilt).
 */
export class ProjectionRunner {
  private readonly checkpoints: string;
  private readonly batchSize: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    options: { batchSize?: number } = {},
  ) {
    this.checkpoints = qualified(store.schema, 'projection_checkpoints');
    this.batchSize = options.batchSize ?? 500;
  }

  /** Empties the read model and replays every event. Returns how many were applied. */
  rebuild(projection: Projection): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await projection.reset(manager);
      await this.saveCheckpoint(manager, projection.name, 0);
      return this.applyFrom(manager, projection, 0);
    });
  }

  /** Applies the events after the checkpoint. Returns how many were applied. */
  catchUp(projection: Projection): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // Row lock on the checkpoint: two runners of one projection take turns.
      await manager.query(
        `INSERT INTO ${this.checkpoints} (name, position) VALUES ($1, 0) ON CONFLICT DO NOTHING`,
        [projection.name],
      );
      const [{ position }] = (await manager.query(
        `SELECT position FROM ${this.checkpoints} WHERE name = $1 FOR UPDATE`,
        [projection.name],
      )) as Array<{ position: string }>;
      return this.applyFrom(manager, projection, Number(position));
    });
  }

  /** The global position a projection has applied up to (0 when never run). */
  async checkpoint(name: string): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT position FROM ${this.checkpoints} WHERE name = $1`,
      [name],
    )) as Array<{ position: string }>;
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }

  private async applyFrom(
    manager: EntityManager,
    projection: Projection,
    after: number,
  ): Promise<number> {
    let applied = 0;
    let position = after;
    for (;;) {
      const events = await this.store.readAll({
        fromPosition: position + 1,
        limit: this.batchSize,
        manager,
      });
      for (const event of events) await projection.apply(manager, event);
      applied += events.length;
      if (events.length === 0) break;
      position = events[events.length - 1].global_position;
    }
    await this.saveCheckpoint(manager, projection.name, position);
    return applied;
  }

  private async saveCheckpoint(
    manager: EntityManager,
    name: string,
    position: number,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.checkpoints} (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`,
      [name, position],
    );
  }
}
