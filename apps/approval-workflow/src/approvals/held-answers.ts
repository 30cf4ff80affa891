import type { MigrationClass } from '@llmgov/eventstore';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Answers the gateway's confidence gate held for review, kept here until their approval is
 * consumed (returned once, then deleted), rejected or expired (deleted). The gateway seals
 * them (AES-256-GCM under its HELD_ANSWER_KEY) before they leave it, so this service stores
 * and returns ciphertext it cannot read. Not event-sourced on purpose: an answer must be
 * deletable, and an event log keeps what it is given.
 */
export class HeldAnswers {
  private readonly table: string;
  private readonly approvals: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = `"${schema}".held_answers`;
    this.approvals = `"${schema}".approvals`;
  }

  /** Stores a sealed answer under its approval id (a repeat of the same put changes nothing). */
  async put(hold: {
    approval_id: string;
    org_id: string;
    key_id: string;
    sealed: string;
    expires_at: Date;
  }): Promise<void> {
    await this.dataSource.query(
      `insert into ${this.table} (approval_id, org_id, key_id, sealed, expires_at)
       values ($1, $2, $3, $4, $5) on conflict (approval_id) do nothing`,
      [hold.approval_id, hold.org_id, hold.key_id, hold.sealed, hold.expires_at.toISOString()],
    );
  }

  /** The sealed answer of a consumed approval, deleted as it is read (single use). */
  async take(approvalId: string, keyId: string): Promise<string | null> {
    const [rows] = (await this.dataSource.query(
      `delete from ${this.table} where approval_id = $1 and key_id = $2 returning sealed`,
      [approvalId, keyId],
    )) as [{ sealed: string }[], number];
    return rows[0]?.sealed ?? null;
  }

  async drop(approvalId: string): Promise<void> {
    await this.dataSource.query(`delete from ${this.table} where approval_id = $1`, [approvalId]);
  }

  /** Deletes what expired, and what a rejection or expiry left behind; returns how many. */
  async sweep(now: Date): Promise<number> {
    const [, deleted] = (await this.dataSource.query(
      `delete from ${this.table} h where h.expires_at <= $1 or exists (
         select 1 from ${this.approvals} a
         where a.approval_id = h.approval_id and a.status in ('rejected', 'expired'))`,
      [now.toISOString()],
    )) as [unknown, number];
    return deleted;
  }
}

/** The `held_answers` table, after the service's own tables. */
export function heldAnswerMigrations(schema: string): MigrationClass[] {
  class HeldAnswers1764288000000 implements MigrationInterface {
    name = 'HeldAnswers1764288000000';
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`create table if not exists "${schema}".held_answers (
        approval_id text primary key,
        org_id text not null,
        key_id text not null,
        sealed text not null,
        expires_at timestamptz not null
      )`);
    }
    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`drop table "${schema}".held_answers`);
    }
  }
  return [HeldAnswers1764288000000];
}
