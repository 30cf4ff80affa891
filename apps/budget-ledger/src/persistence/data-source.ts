import { DataSource } from 'typeorm';
import { ledgerMigrations } from './schema';

export interface LedgerDataSourceOptions {
  url: string;
  schema: string;
  poolSize?: number;
}

/** The ledger's own DataSource (raw SQL over TypeORM's pool), migrated before it is returned. */
export async function createLedgerDataSource(options: LedgerDataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'postgres', url: options.url, schema: options.schema, poolSize: options.poolSize ?? 10, extra: { connectionTimeoutMillis: 5000 } });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  const lock = `budget-ledger-migrations:${options.schema}`;
  try {
    // Replicas starting together must not race on `create … if not exists`.
    await runner.query('select pg_advisory_lock(hashtext($1))', [lock]);
    for (const statement of ledgerMigrations(options.schema)) await runner.query(statement);
    await runner.query('select pg_advisory_unlock(hashtext($1))', [lock]);
  } catch (error) {
    await runner.release();
    await dataSource.destroy();
    throw error;
  }
  await runner.release();
  return dataSource;
}
