import type { DataSource, DataSourceOptions } from 'typeorm';
import type { MigrationClass } from './migrations/eventstore.migrations';
import { checkedSchema, quoteIdent } from './sql';

export interface CreateDataSourceOptions {
  url: string;
  /** The service's own schema: its tables, the migrations table and the event store. */
  schema: string;
  /** Run in timestamp order, each in its own transaction. */
  migrations: MigrationClass[];
  poolSize?: number;
  /** TypeORM entities, for services that use repositories besides raw SQL. */
  entities?: DataSourceOptions['entities'];
}

/**
 * A Postgres DataSource for one service, its schema created and migrated before it is
 * returned. Replicas starting together serialise on a session advisory lock keyed by the
 * schema, so only one runs the migrations and the others find them done.
 */
export async function createDataSource(options: CreateDataSourceOptions): Promise<DataSource> {
  // Loaded here rather than at the top: TypeORM and its drivers are ~3 MB of JavaScript
  // (~20 MB of RSS) that a process importing this library for its deciders alone (the
  // gateway, through @llmgov/service-kit) never needs (issue 14).
  const typeorm = await import('typeorm');
  const dataSource = new typeorm.DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    poolSize: options.poolSize ?? 10,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { connectionTimeoutMillis: 5000 },
  });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    const lock = ['llmgov:migrations', options.schema];
    await runner.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', lock);
    try {
      // Not `CREATE SCHEMA IF NOT EXISTS`: that needs CREATE on the database even when the
      // schema exists, and a least-privilege service role owns only its schema.
      await runner.query(
        `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '${checkedSchema(options.schema)}') THEN CREATE SCHEMA ${quoteIdent(options.schema)}; END IF; END $$`,
      );
      // On the connection that holds the lock, so a pool of one cannot deadlock.
      const executor = new typeorm.MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', lock);
    }
  } catch (error) {
    await runner.release();
    await dataSource.destroy();
    throw error;
  }
  await runner.release();
  return dataSource;
}
