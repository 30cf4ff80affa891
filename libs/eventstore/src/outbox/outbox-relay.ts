import type { DataSource, EntityManager } from 'typeorm';
import {
  stderrLogger,
  type EventBus,
  type MessagingLogger,
  type RawRecord,
} from '@llmgov/messaging';
import { outboxBacklog } from '@llmgov/telemetry';
import type { Client } from 'pg';
import { OUTBOX_CHANNEL } from '../migrations/eventstore.migrations';
import { qualified } from '../sql';

export interface OutboxRelayOptions {
  /** Wait between polls when the outbox is empty (default 20 ms: low latency, cheap queries). */
  pollIntervalMs?: number;
  /** Rows per transaction (default 100). */
  batchSize?: number;
  logger?: MessagingLogger;
  /**
   * Listen for outbox inserts (the trigger of the event store's migrations) on a connection
   * of its own to `url`: a round runs when one commits, else every `idleIntervalMs` (default
   * 1000) as a safety net. While that connection is not up, the relay polls every
   * `pollIntervalMs`. Unset: polling only (the embedded mode's PGlite has one session).
   */
  notifications?: { url: string; idleIntervalMs?: number };
}

/** How long a lost listening connection waits before it is opened again. */
const RELISTEN_MS = 1000;

interface PendingRow {
  position: string;
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * Publishes the outbox to the bus, in position order.
 *
 * Each round is one transaction: take a transaction-scoped advisory lock for this
 * schema, select unpublished rows `FOR UPDATE SKIP LOCKED`, publish them (consecutive
 * rows of a topic in one batch), mark them published, commit. The advisory lock makes
 * one relay at a time do the work: SKIP LOCKED alone would keep two relays off the same
 * rows, but the second would publish later rows of a stream while the first still holds
 * earlier ones, and order per stream would be lost. Other replicas skip the round.
 *
 * Delivery is at least once. A relay that dies (or whose bus fails) after publishing
 * some rows of a round and before its commit leaves them unmarked, and the next round
 * publishes them again, in the same order. Consumers dedupe by event id (the CloudEvents
 * `ce_id`) with the Inbox.
 */
export class OutboxRelay {
  private readonly table: string;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly logger: MessagingLogger;
  private loop?: Promise<void>;
  private stopping?: AbortController;
  private round_: Promise<number> = Promise.resolve(0);
  private publishedTotal = 0;
  private unobserve?: () => void;
  private listener?: Client;
  private relisten?: NodeJS.Timeout;
  /** A notification came since the current round started: the next one runs at once. */
  private woken = false;
  private wake?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly bus: EventBus,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.table = qualified(schema, 'outbox');
    this.pollIntervalMs = options.pollIntervalMs ?? 20;
    this.batchSize = options.batchSize ?? 100;
    this.logger = options.logger ?? stderrLogger;
  }

  /** Starts polling in the background. */
  start(): void {
    if (this.loop) return;
    // `eventstore_outbox_backlog{service=<schema>}`, counted at scrape time while the relay runs.
    this.unobserve = outboxBacklog.observe(this.schema, async () => [
      { labels: { service: this.schema }, value: await this.backlog() },
    ]);
    const stopping = (this.stopping = new AbortController());
    this.loop = this.run(stopping.signal);
  }

  /** Stops polling and waits for the round in progress to commit or roll back. */
  async stop(): Promise<void> {
    this.unobserve?.();
    this.unobserve = undefined;
    this.stopping?.abort();
    clearTimeout(this.relisten);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.loop;
    this.loop = undefined;
  }

  /** Whether outbox inserts wake the relay now (`notifications` set and its connection up). */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  /**
   * Publishes until nothing is left (graceful shutdown, tests). Rejects when the bus
   * does; the rows of the failed round stay unpublished.
   */
  async flush(): Promise<number> {
    let published = 0;
    for (;;) {
      const n = await this.round();
      published += n;
      if (n === 0) {
        if ((await this.backlog()) === 0) return published;
        // Another relay holds the lock and is draining it.
        await sleep(this.pollIntervalMs);
      }
    }
  }

  /** Rows written and not yet published (a gauge for metrics and health). */
  async backlog(): Promise<number> {
    const [{ count }] = (await this.dataSource.query(
      `SELECT count(*) AS count FROM ${this.table} WHERE published_at IS NULL`,
    )) as Array<{ count: string }>;
    return Number(count);
  }

  /**
   * Deletes rows published before `before` (the outbox is a queue, not a log: the events
   * table keeps the history). Returns how many were deleted.
   */
  async prune(before: Date): Promise<number> {
    const [, deleted] = (await this.dataSource.query(
      `DELETE FROM ${this.table} WHERE published_at < $1`,
      [before],
    )) as [unknown, number];
    return deleted;
  }

  /** Rows this relay has published since it was created (a counter for metrics). */
  get published(): number {
    return this.publishedTotal;
  }

  private async run(signal: AbortSignal): Promise<void> {
    if (this.options.notifications) await this.listen(this.options.notifications, signal);
    let failures = 0;
    while (!signal.aborted) {
      this.woken = false;
      let wait = this.listening
        ? (this.options.notifications?.idleIntervalMs ?? 1000)
        : this.pollIntervalMs;
      try {
        const n = await this.round();
        failures = 0;
        if (n === this.batchSize) continue; // more is waiting
      } catch (error) {
        failures++;
        wait = Math.min(5000, this.pollIntervalMs * 2 ** failures);
        this.logger.error(
          { schema: this.schema, error: String(error), retry_in_ms: wait },
          'outbox relay round failed',
        );
      }
      if (failures === 0 && this.woken) continue;
      // A backoff after a failed round is not cut short by notifications.
      await this.idle(wait, signal, failures === 0);
    }
  }

  /** Waits `ms`, or until stopped or (`wakeable`) notified; the timer cleared either way. */
  private idle(ms: number, signal: AbortSignal, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      if (wakeable) this.wake = done;
    });
  }

  private notified(): void {
    this.woken = true;
    this.wake?.();
  }

  /**
   * LISTENs on a connection of its own; a lost connection is opened again after RELISTEN_MS
   * (polling meanwhile), and each time it is up a round runs for what came in between.
   * `pg` is required here: the gateway loads this module but never relays.
   */
  private async listen(
    options: NonNullable<OutboxRelayOptions['notifications']>,
    signal: AbortSignal,
  ): Promise<void> {
    if (signal.aborted) return;
    const { Client: PgClient } = require('pg') as typeof import('pg');
    const client = new PgClient({ connectionString: options.url });
    const retry = (error: unknown) => {
      if (this.listener === client) this.listener = undefined;
      if (signal.aborted) return;
      this.logger.warn(
        { schema: this.schema, error: String(error), retry_in_ms: RELISTEN_MS },
        'outbox relay not listening; polling meanwhile',
      );
      clearTimeout(this.relisten);
      this.relisten = setTimeout(() => void this.listen(options, signal), RELISTEN_MS);
      this.relisten.unref();
    };
    client.on('notification', (message) => {
      if (message.payload === this.schema) this.notified();
    });
    client.on('error', (error) => {
      void client.end().catch(() => undefined);
      retry(error);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      void client.end().catch(() => undefined);
      retry(error);
      return;
    }
    if (signal.aborted) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.notified();
  }

  /**
   * One transaction's worth; rounds of this relay never overlap. A round first asks, in one
   * statement outside any transaction, whether a row waits: an idle poll (every 20 ms per
   * service) used to be a transaction of four statements, and on the embedded PGlite an open
   * transaction holds the only session, so under HTTP load the services' idle relays kept
   * the ledger and the audit waiting for their turn (issue 17 item 8).
   */
  private round(): Promise<number> {
    const next = this.round_
      .catch(() => 0)
      .then(async () =>
        (await this.waiting()) ? this.dataSource.transaction((m) => this.publishBatch(m)) : 0,
      );
    this.round_ = next;
    return next;
  }

  private async waiting(): Promise<boolean> {
    const [{ waiting }] = (await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM ${this.table} WHERE published_at IS NULL) AS waiting`,
    )) as Array<{ waiting: boolean }>;
    return waiting;
  }

  private async publishBatch(manager: EntityManager): Promise<number> {
    const [{ locked }] = (await manager.query(
      'SELECT pg_try_advisory_xact_lock(hashtext($1), hashtext($2)) AS locked',
      ['llmgov:outbox', this.schema],
    )) as Array<{ locked: boolean }>;
    if (!locked) return 0;
    const rows = (await manager.query(
      `SELECT position, topic, key, value, headers FROM ${this.table}
       WHERE published_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [this.batchSize],
    )) as PendingRow[];
    if (rows.length === 0) return 0;
    for (const run of runsByTopic(rows)) {
      await this.bus.publishRaw(run.topic, run.records);
    }
    await manager.query(
      `UPDATE ${this.table} SET published_at = now() WHERE position = ANY($1::bigint[])`,
      [rows.map((r) => r.position)],
    );
    this.publishedTotal += rows.length;
    return rows.length;
  }
}

/** Consecutive rows of one topic become one publishRaw call; order is kept across calls. */
function runsByTopic(rows: PendingRow[]): Array<{ topic: string; records: RawRecord[] }> {
  const runs: Array<{ topic: string; records: RawRecord[] }> = [];
  for (const row of rows) {
    const record = { key: row.key, value: row.value, headers: row.headers };
    const last = runs[runs.length - 1];
    if (last?.topic === row.topic) last.records.push(record);
    else runs.push({ topic: row.topic, records: [record] });
  }
  return runs;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
