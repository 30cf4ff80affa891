import type { AlertWebhook } from '@llmgov/policy-schema';
import type { DataSource } from 'typeorm';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead_letter';

/** One webhook delivery: an event for one destination, as enqueued. */
export interface DeliveryRow {
  event_id: string;
  destination_id: string;
  org_id: string;
  event_type: string;
  url: string;
  secret_name: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

/** What a delivery is enqueued with (the destination's config at that moment). */
export type NewDelivery = Pick<
  DeliveryRow,
  'event_id' | 'destination_id' | 'org_id' | 'event_type' | 'url' | 'secret_name' | 'body'
>;

/**
 * The webhook tables of the audit schema: each org's destinations (from its active policy)
 * and the deliveries, keyed by (event id, destination) so a redelivered event enqueues
 * nothing new and a delivered one is never sent again.
 */
export class WebhookStore {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.s = `"${schema}"`;
  }

  /** Records an org's destinations from an active version (an older version changes nothing). */
  async setDestinations(
    org_id: string,
    policy_version: number,
    destinations: readonly AlertWebhook[],
  ): Promise<void> {
    await this.dataSource.query(
      `insert into ${this.s}.webhook_destinations (org_id, policy_version, destinations)
       values ($1, $2, $3::jsonb)
       on conflict (org_id) do update set policy_version = excluded.policy_version, destinations = excluded.destinations
       where ${this.s}.webhook_destinations.policy_version < excluded.policy_version`,
      [org_id, policy_version, JSON.stringify(destinations)],
    );
  }

  async destinations(org_id: string): Promise<AlertWebhook[]> {
    const rows: { destinations: AlertWebhook[] }[] = await this.dataSource.query(
      `select destinations from ${this.s}.webhook_destinations where org_id = $1`,
      [org_id],
    );
    return rows[0]?.destinations ?? [];
  }

  /** Enqueues deliveries due now; those already enqueued (same event and destination) are kept as they are. */
  async enqueue(deliveries: readonly NewDelivery[], now: Date): Promise<void> {
    if (deliveries.length === 0) return;
    const col = <K extends keyof NewDelivery>(k: K) => deliveries.map((d) => d[k]);
    await this.dataSource.query(
      `insert into ${this.s}.webhook_deliveries
         (event_id, destination_id, org_id, event_type, url, secret_name, body, status, attempts, next_attempt_at, created_at)
       select u.*, 'pending', 0, $8::timestamptz, $8::timestamptz
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         as u(event_id, destination_id, org_id, event_type, url, secret_name, body)
       on conflict do nothing`,
      [
        col('event_id'),
        col('destination_id'),
        col('org_id'),
        col('event_type'),
        col('url'),
        col('secret_name'),
        col('body'),
        now,
      ],
    );
  }

  /**
   * Claims up to `limit` due pending deliveries for `leaseMs` (their next attempt is pushed
   * past the lease, so another replica's poll skips them; a replica that dies mid-delivery
   * lets the lease run out and the delivery is tried again).
   */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<DeliveryRow[]> {
    return this.dataSource.query(
      // A select over the update: TypeORM answers an UPDATE as [rows, count], a SELECT as rows.
      `with claimed as (
         update ${this.s}.webhook_deliveries d set next_attempt_at = $2
         where (d.event_id, d.destination_id) in (
           select event_id, destination_id from ${this.s}.webhook_deliveries
           where status = 'pending' and next_attempt_at <= $1
           order by next_attempt_at limit $3 for update skip locked)
         returning d.*)
       select * from claimed`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
  }

  async markDelivered(d: DeliveryRow, httpStatus: number, now: Date): Promise<void> {
    await this.dataSource.query(
      `update ${this.s}.webhook_deliveries set status = 'delivered', attempts = attempts + 1,
         last_status = $3, last_error = null, delivered_at = $4
       where event_id = $1 and destination_id = $2`,
      [d.event_id, d.destination_id, httpStatus, now],
    );
  }

  /** A failed attempt: retried at `retryAt`, or dead-lettered when `retryAt` is null. */
  async markFailed(
    d: DeliveryRow,
    httpStatus: number | null,
    error: string,
    retryAt: Date | null,
  ): Promise<void> {
    await this.dataSource.query(
      `update ${this.s}.webhook_deliveries set attempts = attempts + 1, last_status = $3,
         last_error = $4, status = $5, next_attempt_at = coalesce($6, next_attempt_at)
       where event_id = $1 and destination_id = $2`,
      [
        d.event_id,
        d.destination_id,
        httpStatus,
        error,
        retryAt ? 'pending' : 'dead_letter',
        retryAt,
      ],
    );
  }

  /**
   * Forgets finished deliveries (delivered or dead letters) enqueued before `before`. Their
   * rows are what keeps a redelivered event from going out twice, so the horizon must exceed
   * the topics' retention of a redelivery (30 days by default, far past Kafka's 7).
   */
  async prune(before: Date): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `with gone as (delete from ${this.s}.webhook_deliveries
         where status <> 'pending' and created_at < $1 returning 1)
       select * from gone`,
      [before],
    );
    return rows.length;
  }

  /** An org's deliveries, newest first, optionally of one status. */
  async deliveries(
    org_id: string,
    status: DeliveryStatus | undefined,
    limit: number,
  ): Promise<DeliveryRow[]> {
    return this.dataSource.query(
      `select * from ${this.s}.webhook_deliveries
       where org_id = $1 and ($2::text is null or status = $2)
       order by created_at desc, event_id, destination_id limit $3`,
      [org_id, status ?? null, limit],
    );
  }
}
