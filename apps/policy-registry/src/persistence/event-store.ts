import type { DataSource } from 'typeorm';
import type { OrgEvent } from '../domain/org-events';
import type { OutboxMessage } from '../domain/outbox';

/** An append at an expected version someone else already wrote. */
export class ConcurrencyError extends Error {
  constructor(streamId: string, expected: number) {
    super(`stream ${streamId}: version ${expected + 1} was already written`);
  }
}

export interface StoredEvent {
  position: number;
  stream_id: string;
  version: number;
  event: OrgEvent;
}

const UNIQUE_VIOLATION = '23505';

/** Append-only org streams with optimistic concurrency; outbox rows in the same transaction. */
export class RegistryEventStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  async readStream(streamId: string): Promise<{ version: number; events: OrgEvent[] }> {
    const rows: Array<{ version: number; event_type: OrgEvent['type']; data: unknown }> = await this.dataSource.query(
      `select version, event_type, data from "${this.schema}".events where stream_id = $1 order by version`,
      [streamId],
    );
    return { version: rows.at(-1)?.version ?? 0, events: rows.map((r) => ({ type: r.event_type, data: r.data }) as OrgEvent) };
  }

  async readAll(): Promise<StoredEvent[]> {
    const rows: Array<{ position: string; stream_id: string; version: number; event_type: OrgEvent['type']; data: unknown }> = await this.dataSource.query(
      `select position, stream_id, version, event_type, data from "${this.schema}".events order by position`,
    );
    return rows.map((r) => ({ position: Number(r.position), stream_id: r.stream_id, version: r.version, event: { type: r.event_type, data: r.data } as OrgEvent }));
  }

  async append(streamId: string, expectedVersion: number, events: readonly OrgEvent[], outbox: readonly OutboxMessage[]): Promise<number> {
    if (events.length === 0) return expectedVersion;
    try {
      await this.dataSource.transaction(async (manager) => {
        for (const [i, event] of events.entries()) {
          await manager.query(`insert into "${this.schema}".events (stream_id, version, event_type, data) values ($1, $2, $3, $4)`, [
            streamId,
            expectedVersion + i + 1,
            event.type,
            JSON.stringify(event.data),
          ]);
        }
        for (const m of outbox) {
          await manager.query(`insert into "${this.schema}".outbox (topic, event) values ($1, $2)`, [m.topic.name, JSON.stringify(m.event)]);
        }
      });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION || (error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) {
        throw new ConcurrencyError(streamId, expectedVersion);
      }
      throw error;
    }
    return expectedVersion + events.length;
  }
}
