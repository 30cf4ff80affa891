import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '../stored-event';

/** What a projection needs of an event, whether read from the store or from the bus. */
export type ProjectedEvent = Pick<StoredEvent, 'event_id' | 'type' | 'data'>;

/** An envelope off the bus as a ProjectedEvent (its `id` is the stored `event_id`). */
export const projectedFromEnvelope = (event: {
  id: string;
  type: string;
  data: unknown;
}): ProjectedEvent => ({
  event_id: event.id,
  type: event.type,
  data: event.data,
});

/**
 * A read model: applied live (from the bus, behind the Inbox) and rebuildable from the
 * store by the ProjectionRunner.
 */
export interface Projection {
  /** Unique per schema: the checkpoint's key. */
  readonly name: string;
  /** Empties the read model before a rebuild. */
  reset(manager: EntityManager): Promise<void>;
  apply(manager: EntityManager, event: ProjectedEvent): Promise<void>;
}

/**
 * A projection of one row per id, around a pure `evolve`. The row store (load, save,
 * reset) is the caller's SQL; `evolve` holds all the logic and is unit-tested alone.
 */
export interface RowProjectionDefinition<Row> {
  name: string;
  /** The row an event concerns, or null when it concerns none. */
  rowId(event: ProjectedEvent): string | null;
  /** Pure: the row after the event (null when there is none yet; return null to delete). */
  evolve(row: Row | null, event: ProjectedEvent): Row | null;
  load(manager: EntityManager, id: string): Promise<Row | null>;
  save(manager: EntityManager, id: string, row: Row | null): Promise<void>;
  reset(manager: EntityManager): Promise<void>;
}

/** Builds a Projection from a row-wise definition: load, evolve, save. */
export function rowProjection<Row>(definition: RowProjectionDefinition<Row>): Projection {
  return {
    name: definition.name,
    reset: (manager) => definition.reset(manager),
    apply: async (manager, event) => {
      const id = definition.rowId(event);
      if (id === null) return;
      const before = await definition.load(manager, id);
      await definition.save(manager, id, definition.evolve(before, event));
    },
  };
}
