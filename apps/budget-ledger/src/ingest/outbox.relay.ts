import { budgetTopic, type EventOf } from '@llmgov/events';
import type { EventBus } from '@llmgov/messaging';
import type { DataSource } from 'typeorm';
import { checkedSchema } from '../persistence/schema';

/**
 * Publishes the alerts the writer put in the outbox, after their transaction committed.
 * Rows are locked while published (`skip locked`), so ledger replicas share the work
 * without publishing a row twice; a crash before marking republishes (at least once;
 * consumers dedupe by event id).
 */
export class OutboxRelay {
  private readonly s: string;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly bus: EventBus,
    private readonly intervalMs = 100,
  ) {
    this.s = `"${checkedSchema(schema)}"`;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Publishes everything pending now (tests call it to avoid waiting for the timer). */
  async flush(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const sent = await this.dataSource.transaction(async (m) => {
        const rows: { id: string; event: EventOf<typeof budgetTopic> }[] = await m.query(
          `select id, event from ${this.s}.outbox where published_at is null order by id limit 100 for update skip locked`,
        );
        if (rows.length === 0) return 0;
        await this.bus.publishBatch(budgetTopic, rows.map((r) => r.event));
        await m.query(`update ${this.s}.outbox set published_at = now() where id = any($1::bigint[])`, [rows.map((r) => r.id)]);
        return rows.length;
      });
      if (sent === 0) return;
    }
  }
}
