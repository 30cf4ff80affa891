import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { allTopics, type TopicDescriptor } from '@llmgov/events';
import type { EventBus } from '@llmgov/messaging';

/**
 * Publishes outbox rows in order. One relay at a time per schema (a transaction-scoped
 * advisory lock; other replicas skip the round), so order per org holds; rows are marked
 * published in the transaction that read them, after the bus acknowledged them (at least
 * once: consumers dedupe by event id). `nudge()` after a commit makes publishing prompt.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private readonly topics = new Map<string, TopicDescriptor>(allTopics.map((t) => [t.name, t as unknown as TopicDescriptor]));
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly bus: EventBus,
    private readonly intervalMs = 200,
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

  /** Publish soon, without waiting (after a commit). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.flush().catch((error: unknown) => this.logger.warn(`outbox relay: ${String(error)}`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => 0);
  }

  /** Publishes everything pending now; returns how many rows. */
  async flush(): Promise<number> {
    while (this.running) await this.running.catch(() => 0);
    let total = 0;
    do {
      this.again = false;
      this.running = this.drain();
      try {
        total += await this.running;
      } finally {
        this.running = null;
      }
    } while (this.again && !this.stopped);
    return total;
  }

  private async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (manager) => {
        const [{ locked }] = (await manager.query('select pg_try_advisory_xact_lock(hashtext($1)) as locked', [`policy-registry-outbox:${this.schema}`])) as Array<{ locked: boolean }>;
        if (!locked) return 0;
        const rows: Array<{ id: string; topic: string; event: never }> = await manager.query(
          `select id, topic, event from "${this.schema}".outbox where published_at is null order by id limit 100`,
        );
        if (rows.length === 0) return 0;
        let start = 0;
        while (start < rows.length) {
          let end = start + 1;
          while (end < rows.length && rows[end].topic === rows[start].topic) end++;
          const topic = this.topics.get(rows[start].topic);
          if (!topic) throw new Error(`outbox: unknown topic ${rows[start].topic}`);
          await this.bus.publishBatch(topic, rows.slice(start, end).map((r) => r.event));
          start = end;
        }
        await manager.query(`update "${this.schema}".outbox set published_at = now() where id = any($1::bigint[])`, [rows.map((r) => r.id)]);
        return rows.length;
      });
      total += n;
      if (n < 100) return total;
    }
  }
}
