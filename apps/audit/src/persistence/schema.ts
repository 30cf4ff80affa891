import type { MigrationInterface, QueryRunner } from 'typeorm';
import { checkedSchema, createTable, type MigrationClass } from '@llmgov/eventstore';

/**
 * The audit's tables. Idempotent DDL (the log is append-only: no destructive migration
 * ever), run as the audit's first migration by `createDataSource` (which creates the schema
 * the least-privilege way) before consumers begin.
 */
export function auditMigrations(schema: string): string[] {
  const s = `"${checkedSchema(schema)}"`;
  return [
    createTable(s, 'audit_entries', [
      'chain text not null',
      'position bigint not null',
      'event_id text not null',
      'type text not null',
      'topic text not null',
      'time timestamptz not null',
      'recorded_at timestamptz not null',
      'actor text',
      'agent_id text',
      'key_id text',
      'model text',
      'step text',
      'code text',
      'policy_version integer',
      'request_id text',
      'event jsonb not null',
      'prev_hash text not null',
      'hash text not null',
      'primary key (chain, position)',
    ]),
    // Idempotency by event id: redelivery adds nothing.
    `create unique index if not exists audit_entries_event_id on ${s}.audit_entries (event_id)`,
    `create index if not exists audit_entries_type on ${s}.audit_entries (chain, type, position)`,
    `create index if not exists audit_entries_agent on ${s}.audit_entries (chain, agent_id, position) where agent_id is not null`,
    `create index if not exists audit_entries_key on ${s}.audit_entries (chain, key_id, position) where key_id is not null`,
    `create index if not exists audit_entries_actor on ${s}.audit_entries (chain, actor, position) where actor is not null`,
    `create index if not exists audit_entries_request on ${s}.audit_entries (chain, request_id) where request_id is not null`,
    `create index if not exists audit_entries_time on ${s}.audit_entries (chain, time)`,
    `create index if not exists audit_entries_recorded on ${s}.audit_entries (chain, recorded_at)`,
    // The head of each chain: locked per append, so concurrent consumers serialise per org.
    createTable(s, 'audit_chain_heads', [
      'chain text primary key',
      'position bigint not null',
      'hash text not null',
    ]),
    // What the org's active policy says about its log (learnt from policy.published).
    createTable(s, 'audit_org_settings', [
      'chain text primary key',
      'log_level text not null',
      'retention_days integer not null',
      'policy_version integer not null',
    ]),
    createTable(s, 'audit_checkpoints', [
      'chain text not null',
      'position bigint not null',
      'hash text not null',
      'pruned bigint not null',
      'created_at timestamptz not null',
      'public_key text not null',
      'signature text not null',
      'primary key (chain, position)',
    ]),
    // Alert webhooks (docs/webhooks.md): each org's destinations in force, and deliveries.
    createTable(s, 'webhook_destinations', [
      'org_id text primary key',
      'policy_version integer not null',
      'destinations jsonb not null',
    ]),
    createTable(s, 'webhook_deliveries', [
      'event_id text not null',
      'destination_id text not null',
      'org_id text not null',
      'event_type text not null',
      'url text not null',
      'secret_name text not null',
      'body text not null',
      'status text not null',
      'attempts integer not null',
      'next_attempt_at timestamptz not null',
      'last_status integer',
      'last_error text',
      'created_at timestamptz not null',
      'delivered_at timestamptz',
      'primary key (event_id, destination_id)',
    ]),
    `create index if not exists webhook_deliveries_due on ${s}.webhook_deliveries (next_attempt_at) where status = 'pending'`,
    `create index if not exists webhook_deliveries_org on ${s}.webhook_deliveries (org_id, created_at)`,
    createTable(s, 'audit_signing_keys', [
      'public_key text primary key',
      'private_key text',
      'created_at timestamptz not null',
    ]),
  ];
}

export function auditMigrationClasses(schema: string): MigrationClass[] {
  class AuditLog1764000000000 implements MigrationInterface {
    name = 'AuditLog1764000000000';
    async up(runner: QueryRunner): Promise<void> {
      for (const statement of auditMigrations(schema)) await runner.query(statement);
    }
    async down(): Promise<void> {
      // The log is append-only: it is never dropped by a migration.
    }
  }
  return [AuditLog1764000000000];
}
