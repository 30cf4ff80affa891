import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { allTopics, type EnvelopeBase, type TopicDescriptor } from '@llmgov/events';
import type { EventBus } from '@llmgov/messaging';
import type { EventLog, OutboxEntry } from './event-log';

/** A stream was appended to at a version someone else already wrote. */
export class ConcurrencyError extends Error {
  constructor(streamId: string, expected: number) {
    super(`stream ${streamId}: expected version ${expected} was already written`);
  }
}

/**
 * Append-only event store in this service's schema: (stream_id, version) is unique, so an
 * append at a stale expected version fails; outbox rows go in the same transaction.
 * Stand-in for `@llmgov/eventstore` (not landed when this service was written): swap it in
 * here, behind the EventLog port, without touching the repositories.
 */
export class PgEventLog implements EventLog {
  constructor(private readonly schema: string) {}

  async append(manager: EntityManager, streamId: string, streamType: string, expectedVersion: number, events: EnvelopeBase[], outbox: OutboxEntry[]): Promise<void> {
    const s = `"${this.schema}"`;
    for (const [i, event] of events.entries()) {
      const inserted: unknown[] = await manager.query(
        `insert into ${s}.events (stream_id, stream_type, version, event_id, event_type, event) values ($1, $2, $3, $4, $5, $6)
         on conflict (stream_id, version) do nothing returning position`,
        [streamId, streamType, expectedVersion + i + 1, event.id, event.type, JSON.stringify(event)],
      );
      if (inserted.length === 0) throw new ConcurrencyError(streamId, expectedVersion);
    }
    for (const entry of outbox) {
      await manager.query(`insert into ${s}.outbox (topic, event) values ($1, $2)`, [entry.topic.name, JSON.stringify(entry.event)]);
    }
  }

  async readStream(manager: EntityManager | DataSource, streamId: string): Promise<EnvelopeBase[]> {
    const rows: Array<{ event: EnvelopeBase }> = await manager.query(`select event from "${this.schema}".events where stream_id = $1 order by version`, [streamId]);
    return rows.map((r) => r.event);
  }
}

/**
 * Publishes outbox rows in order. One relay at a time per schema (a transaction-scoped
 * advisory lock; other replicas skip the round), so order per aggregate holds; a row is
 * marked published in the transaction that read it, after the bus acknowledged it (at least
 * once: a crash between the two re-sends it, and consumers dedupe by event id).
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private readonly topics = new Map<string, TopicDescriptor>(allTopics.map((t) => [t.name, t as unknown as TopicDescriptor]));
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly bus: EventBus,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.flush()
        .catch((error: unknown) => this.logger.warn(`outbox relay: ${String(error)}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.intervalMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => 0);
  }

  /** Publishes everything pending now; returns how many rows. */
  async flush(): Promise<number> {
    while (this.running) await this.running.catch(() => 0);
    this.running = this.drain();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (manager) => {
        const [{ locked }] = (await manager.query('select pg_try_advisory_xact_lock(hashtext($1)) as locked', [`approval-workflow-outbox:${this.schema}`])) as Array<{ locked: boolean }>;
        if (!locked) return 0;
        const rows: Array<{ id: string; topic: string; event: EnvelopeBase }> = await manager.query(
          `select id, topic, event from "${this.schema}".outbox where published_at is null order by id limit 100`,
        );
        if (rows.length === 0) return 0;
        for (const row of rows) {
          const topic = this.topics.get(row.topic);
          if (!topic) throw new Error(`outbox: unknown topic ${row.topic}`);
          await this.bus.publish(topic, row.event as never);
        }
        await manager.query(`update "${this.schema}".outbox set published_at = now() where id = any($1::bigint[])`, [rows.map((r) => r.id)]);
        return rows.length;
      });
      total += n;
      if (n < 100) return total;
    }
  }
}
