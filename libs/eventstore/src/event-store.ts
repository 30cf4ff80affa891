import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ConcurrencyError } from './errors';
import { EVENTS_STREAM_VERSION_PK } from './migrations/eventstore.migrations';
import { toOutboxRow, type OutboxMessage } from './outbox/outbox-message';
import { isUniqueViolation, qualified } from './sql';
import {
  toStoredEvent,
  versionMatches,
  type EventRow,
  type ExpectedVersion,
  type NewEvent,
  type StoredEvent,
} from './stored-event';

export interface AppendOptions {
  /** Published to the bus by the OutboxRelay once this transaction commits. */
  outbox?: OutboxMessage[];
  /** Append inside the caller's transaction (e.g. beside a read-model update). */
  manager?: EntityManager;
}

export interface AppendResult {
  /** The stream's version after the append: the expected version of the next one. */
  nextExpectedVersion: number;
  events: StoredEvent[];
}

export interface EventStoreOptions {
  /** Source of `recorded_at` (a FixedClock in tests). */
  clock?: { now(): Date };
}

const COLUMNS =
  'global_position, stream_id, stream_type, version, event_id, type, data, metadata, recorded_at';

/**
 * An append-only event store in one service's schema, with optimistic concurrency on
 * (stream_id, version) and a transactional outbox.
 */
export class EventStore {
  private readonly events: string;
  private readonly outbox: string;
  private readonly clock: { now(): Date };

  constructor(
    private readonly dataSource: DataSource,
    readonly schema: string,
    options: EventStoreOptions = {},
  ) {
    this.events = qualified(schema, 'events');
    this.outbox = qualified(schema, 'outbox');
    this.clock = options.clock ?? { now: () => new Date() };
  }

  /**
   * Appends events to a stream and writes the outbox messages, in one transaction.
   * Throws ConcurrencyError when the stream is not at `expectedVersion`, or when a
   * concurrent append took the same versions first (the primary key decides). With
   * `'any'` there is no check, but two appends still cannot interleave versions.
   */
  async append(
    streamId: string,
    streamType: string,
    expectedVersion: ExpectedVersion,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    // Validated and trace-stamped now, in the caller's context, before any await.
    const outboxRows = (options.outbox ?? []).map((m) => toOutboxRow(m));
    const recordedAt = this.clock.now();
    const run = async (manager: EntityManager): Promise<AppendResult> => {
      const [{ version }] = (await manager.query(
        `SELECT coalesce(max(version), 0) AS version FROM ${this.events} WHERE stream_id = $1`,
        [streamId],
      )) as Array<{ version: number }>;
      const current = Number(version);
      if (!versionMatches(expectedVersion, current))
        throw new ConcurrencyError(streamId, expectedVersion, current);
      const stored =
        events.length === 0
          ? []
          : await this.insertEvents(
              manager,
              streamId,
              streamType,
              current,
              events,
              recordedAt,
              expectedVersion,
            );
      if (outboxRows.length > 0) {
        const params = outboxRows.flatMap((r) => [
          r.event_id,
          r.topic,
          r.key,
          r.value,
          JSON.stringify(r.headers),
        ]);
        const values = outboxRows
          .map(
            (_, i) =>
              `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5}::jsonb)`,
          )
          .join(', ');
        await manager.query(
          `INSERT INTO ${this.outbox} (event_id, topic, key, value, headers) VALUES ${values}`,
          params,
        );
      }
      return { nextExpectedVersion: current + events.length, events: stored };
    };
    return options.manager ? run(options.manager) : this.dataSource.transaction(run);
  }

  /** The events of one stream, in version order (from `fromVersion`, default 1). */
  async readStream(
    streamId: string,
    options: { fromVersion?: number; manager?: EntityManager } = {},
  ): Promise<StoredEvent[]> {
    const rows = (await (options.manager ?? this.dataSource).query(
      `SELECT ${COLUMNS} FROM ${this.events} WHERE stream_id = $1 AND version >= $2 ORDER BY version`,
      [streamId, options.fromVersion ?? 1],
    )) as EventRow[];
    return rows.map(toStoredEvent);
  }

  /**
   * Events of all streams in global order, from `fromPosition` (inclusive, default 1).
   * Stops below the oldest transaction still in flight: positions are taken at insert
   * and commits can land out of order, so a reader that checkpoints the last position
   * it saw would otherwise skip an event that commits later with a lower position.
   * A long-open writing transaction therefore delays readers (never reorders them).
   */
  async readAll(
    options: { fromPosition?: number; limit?: number; manager?: EntityManager } = {},
  ): Promise<StoredEvent[]> {
    const rows = (await (options.manager ?? this.dataSource).query(
      `SELECT ${COLUMNS} FROM ${this.events}
       WHERE global_position >= $1 AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY global_position LIMIT $2`,
      [options.fromPosition ?? 1, options.limit ?? 1000],
    )) as EventRow[];
    return rows.map(toStoredEvent);
  }

  /** Runs `fn` in a transaction; pass its manager to `append` to write beside other tables. */
  transaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  private async insertEvents(
    manager: EntityManager,
    streamId: string,
    streamType: string,
    current: number,
    events: NewEvent[],
    recordedAt: Date,
    expected: ExpectedVersion,
  ): Promise<StoredEvent[]> {
    const params: unknown[] = [streamId, streamType, recordedAt];
    const values = events.map((e, i) => {
      params.push(
        current + i + 1,
        e.event_id ?? randomUUID(),
        e.type,
        JSON.stringify(e.data),
        JSON.stringify(e.metadata ?? {}),
      );
      const p = 4 + i * 5;
      return `($1, $2, $${p}, $${p + 1}, $${p + 2}, $${p + 3}::jsonb, $${p + 4}::jsonb, $3)`;
    });
    try {
      const rows = (await manager.query(
        `INSERT INTO ${this.events} (stream_id, stream_type, version, event_id, type, data, metadata, recorded_at)
         VALUES ${values.join(', ')} RETURNING ${COLUMNS}`,
        params,
      )) as EventRow[];
      return rows.map(toStoredEvent).sort((a, b) => a.version - b.version);
    } catch (error) {
      // A concurrent append committed these versions after we read the stream.
      if (isUniqueViolation(error, EVENTS_STREAM_VERSION_PK))
        throw new ConcurrencyError(streamId, expected);
      throw error;
    }
  }
}
