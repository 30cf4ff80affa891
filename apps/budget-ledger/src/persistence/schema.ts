import type { MigrationInterface, QueryRunner } from 'typeorm';
import { checkedSchema, createTable, type MigrationClass } from '@llmgov/eventstore';

/**
 * The ledger's tables, beside the event store's (events, outbox, inbox). Every table is a
 * projection of `gateway.requests.v1` and `governance.policy.v1`, updated in the same
 * transaction as the inbox row of the event that changed it.
 */
export function ledgerMigrations(schema: string): string[] {
  const s = `"${checkedSchema(schema)}"`;
  return [
    `create schema if not exists ${s}`,
    // Settled spend per dimension and period (integer micro-dollars).
    createTable(s, 'spend', [
      'org_id text not null',
      'dimension text not null',
      'dimension_id text not null',
      'period text not null',
      'period_start timestamptz not null',
      'spent_micro_usd bigint not null',
      'requests bigint not null',
      'updated_at timestamptz not null',
      'primary key (org_id, dimension, dimension_id, period, period_start)',
    ]),
    `create index if not exists spend_org_period on ${s}.spend (org_id, period, period_start)`,
    // Requests settled: a request is charged once, whatever its events' ids.
    createTable(s, 'completed_requests', [
      'request_id text primary key',
      'org_id text not null',
      'cost_micro_usd bigint not null',
      'completed_at timestamptz not null',
      'recorded_at timestamptz not null',
    ]),
    `create index if not exists completed_requests_recorded on ${s}.completed_requests (recorded_at)`,
    // Open reservations (request.admitted without its request.completed yet).
    createTable(s, 'reservations', [
      'request_id text primary key',
      'org_id text not null',
      'team_id text',
      'key_id text not null',
      'agent_id text',
      'session_id text',
      'amount_micro_usd bigint not null',
      'admitted_at timestamptz not null',
      'expires_at timestamptz not null',
      'replica_id text not null',
    ]),
    `create index if not exists reservations_expiry on ${s}.reservations (expires_at)`,
    // The active policy document of each org (budgets come from it).
    createTable(s, 'org_policies', [
      'org_id text primary key',
      'policy_version integer not null',
      'document jsonb not null',
    ]),
    // Alerts already emitted: once per budget, period and kind.
    createTable(s, 'alerts', [
      'budget text not null',
      'period_start timestamptz not null',
      'kind text not null',
      'emitted_at timestamptz not null',
      'primary key (budget, period_start, kind)',
    ]),
    // Where the ledger is in each partition (the snapshot says what it reflects).
    createTable(s, 'positions', [
      'topic text not null',
      'partition integer not null',
      'next_offset bigint not null',
      'event_time timestamptz not null',
      'primary key (topic, partition)',
    ]),
  ];
}

/** Later changes to the ledger's tables, each idempotent (run by its own migration). */
export function ledgerEndUserMigrations(schema: string): string[] {
  const s = `"${checkedSchema(schema)}"`;
  // The end user of an open reservation: its per-user daily budget counter (issue 15).
  return [`alter table ${s}.reservations add column if not exists end_user text`];
}

/** The ledger's tables as a TypeORM migration, run after the event store's. */
export function ledgerMigrationClasses(schema: string): MigrationClass[] {
  class BudgetLedgerInit1763856000000 implements MigrationInterface {
    name = 'BudgetLedgerInit1763856000000';
    async up(runner: QueryRunner): Promise<void> {
      for (const statement of ledgerMigrations(schema)) await runner.query(statement);
    }
    async down(runner: QueryRunner): Promise<void> {
      for (const table of [
        'positions',
        'alerts',
        'org_policies',
        'reservations',
        'completed_requests',
        'spend',
      ])
        await runner.query(`drop table "${checkedSchema(schema)}".${table}`);
    }
  }
  class BudgetLedgerEndUser1796169600000 implements MigrationInterface {
    name = 'BudgetLedgerEndUser1796169600000';
    async up(runner: QueryRunner): Promise<void> {
      for (const statement of ledgerEndUserMigrations(schema)) await runner.query(statement);
    }
    async down(runner: QueryRunner): Promise<void> {
      await runner.query(
        `alter table "${checkedSchema(schema)}".reservations drop column end_user`,
      );
    }
  }
  return [BudgetLedgerInit1763856000000, BudgetLedgerEndUser1796169600000];
}
