import type { MigrationInterface, QueryRunner } from 'typeorm';
import { checkedSchema, type MigrationClass } from '@llmgov/eventstore';

/**
 * The registry's projections beside the event store's tables (events, outbox, inbox), each
 * updated in the same transaction as the inbox row of the event that changed it.
 */
export function registryMigrations(schema: string): string[] {
  const s = `"${checkedSchema(schema)}"`;
  return [
    // Each agent's newest review (agent.review.recorded), for the review status of GET /governance/agents.
    `create table if not exists ${s}.agent_reviews (
      org_id text not null,
      agent_id text not null,
      last_reviewed_at timestamptz not null,
      primary key (org_id, agent_id)
    )`,
    // Recorded decision inputs (request.completed without any text) for shadow evaluation; the newest N per org.
    `create table if not exists ${s}.decision_inputs (
      seq bigserial primary key,
      org_id text not null,
      request_id text not null,
      completed_at timestamptz not null,
      input jsonb not null,
      unique (org_id, request_id)
    )`,
    `create index if not exists decision_inputs_org_seq on ${s}.decision_inputs (org_id, seq desc)`,
  ];
}

export function registryMigrationClasses(schema: string): MigrationClass[] {
  class PolicyRegistryProjections1764000000000 implements MigrationInterface {
    name = 'PolicyRegistryProjections1764000000000';
    async up(runner: QueryRunner): Promise<void> {
      for (const statement of registryMigrations(schema)) await runner.query(statement);
    }
    async down(runner: QueryRunner): Promise<void> {
      for (const table of ['decision_inputs', 'agent_reviews'])
        await runner.query(`drop table "${checkedSchema(schema)}".${table}`);
    }
  }
  return [PolicyRegistryProjections1764000000000];
}
