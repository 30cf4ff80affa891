import type { MigrationInterface, QueryRunner } from 'typeorm';
import { qualified } from '../sql';

/** A migration class TypeORM can instantiate (`DataSourceOptions.migrations`). */
export type MigrationClass = new () => MigrationInterface;

/** Constraint names the store relies on to tell a version conflict from other errors. */
export const EVENTS_STREAM_VERSION_PK = 'events_stream_version_pk';

function createStatements(schema: string): string[] {
  const t = (table: string) => qualified(schema, table);
  return [
    `CREATE TABLE ${t('events')} (
      global_position bigserial NOT NULL,
      stream_id text NOT NULL,
      stream_type text NOT NULL,
      version integer NOT NULL CHECK (version > 0),
      event_id text NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}',
      recorded_at timestamptz NOT NULL DEFAULT now(),
      -- The writing transaction, so readAll can stop below transactions still in flight
      -- (a bigserial is taken at insert, not at commit: position 11 can commit before 10).
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      CONSTRAINT ${EVENTS_STREAM_VERSION_PK} PRIMARY KEY (stream_id, version),
      CONSTRAINT events_event_id_key UNIQUE (event_id)
    )`,
    `CREATE UNIQUE INDEX events_global_position_idx ON ${t('events')} (global_position)`,
    `CREATE TABLE ${t('outbox')} (
      position bigserial PRIMARY KEY,
      event_id text NOT NULL,
      topic text NOT NULL,
      key text NOT NULL,
      value text NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`,
    `CREATE INDEX outbox_unpublished_idx ON ${t('outbox')} (position) WHERE published_at IS NULL`,
    `CREATE TABLE ${t('inbox')} (
      consumer text NOT NULL,
      event_id text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    )`,
    `CREATE TABLE ${t('projection_checkpoints')} (
      name text PRIMARY KEY,
      position bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ];
}

/**
 * The event store's tables (events, outbox, inbox, projection_checkpoints) in `schema`,
 * as TypeORM migrations a service lists beside its own:
 * `migrations: [...eventstoreMigrations(schema), ...ownMigrations]`.
 */
export function eventstoreMigrations(schema: string): MigrationClass[] {
  // TypeORM reads the timestamp from the last 13 digits of the name.
  class EventstoreInit1763769600000 implements MigrationInterface {
    name = 'EventstoreInit1763769600000';

    async up(runner: QueryRunner): Promise<void> {
      for (const statement of createStatements(schema)) await runner.query(statement);
    }

    async down(runner: QueryRunner): Promise<void> {
      for (const table of ['projection_checkpoints', 'inbox', 'outbox', 'events'])
        await runner.query(`DROP TABLE ${qualified(schema, table)}`);
    }
  }
  /**
   * Every statement that inserts into the outbox notifies OUTBOX_CHANNEL with the schema, at
   * its commit (Postgres folds a transaction's equal notifications into one), so a relay
   * listening there publishes at once instead of polling an idle table (OutboxRelay).
   */
  class EventstoreOutboxNotify1795824000000 implements MigrationInterface {
    name = 'EventstoreOutboxNotify1795824000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(
        `CREATE FUNCTION ${qualified(schema, 'outbox_notify')}() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN PERFORM pg_notify('${OUTBOX_CHANNEL}', TG_TABLE_SCHEMA); RETURN NULL; END $$`,
      );
      await runner.query(
        `CREATE TRIGGER outbox_notify AFTER INSERT ON ${qualified(schema, 'outbox')}
         FOR EACH STATEMENT EXECUTE FUNCTION ${qualified(schema, 'outbox_notify')}()`,
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TRIGGER outbox_notify ON ${qualified(schema, 'outbox')}`);
      await runner.query(`DROP FUNCTION ${qualified(schema, 'outbox_notify')}()`);
    }
  }
  return [EventstoreInit1763769600000, EventstoreOutboxNotify1795824000000];
}

/** The channel outbox inserts notify (payload: the schema). */
export const OUTBOX_CHANNEL = 'llmgov_outbox';
