import type { MigrationClass } from '@llmgov/eventstore';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * This service's own tables, beside the event store's (events, outbox, inbox: see
 * `eventstoreMigrations`). `approvals` is the read model of the approval streams and the row
 * every transition locks or conditionally updates (single-use consume, expiry claims); `state`
 * is the folded approval as the API answers it. `agent_reviews` is the read model of the
 * agent-review streams; `review_rules` is kept from `governance.policy.v1`.
 */
function approvalWorkflowTables(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `create table if not exists ${s}.approvals (
      approval_id text primary key,
      org_id text not null,
      key_id text not null,
      agent_id text,
      fingerprint text not null,
      status text not null,
      requested_at timestamptz not null,
      expires_at timestamptz not null,
      version integer not null,
      state jsonb not null
    )`,
    `create index if not exists approvals_queue on ${s}.approvals (org_id, status, requested_at, approval_id)`,
    `create index if not exists approvals_due on ${s}.approvals (expires_at) where status = 'pending'`,
    `create table if not exists ${s}.agent_reviews (
      id text primary key,
      org_id text not null,
      agent_id text not null,
      reviewed_at timestamptz not null,
      review jsonb not null
    )`,
    `create index if not exists agent_reviews_by_agent on ${s}.agent_reviews (org_id, agent_id, reviewed_at desc, id desc)`,
    `create table if not exists ${s}.review_rules (
      org_id text primary key,
      policy_version integer not null,
      rules jsonb not null
    )`,
  ];
}

/** The service's tables as a TypeORM migration, run after the event store's. */
export function approvalWorkflowMigrations(schema: string): MigrationClass[] {
  class ApprovalWorkflowInit1763942400000 implements MigrationInterface {
    name = 'ApprovalWorkflowInit1763942400000';
    async up(runner: QueryRunner): Promise<void> {
      for (const statement of approvalWorkflowTables(schema)) await runner.query(statement);
    }
    async down(runner: QueryRunner): Promise<void> {
      for (const table of ['review_rules', 'agent_reviews', 'approvals'])
        await runner.query(`drop table "${schema}".${table}`);
    }
  }
  return [ApprovalWorkflowInit1763942400000];
}
