import { DataSource } from 'typeorm';
import { auditMigrations } from './schema';

export interface AuditDataSourceOptions {
  url: string;
  schema: string;
  poolSize?: number;
}

/** The audit's own DataSource (raw SQL over TypeORM's pool), migrated before it is returned. */
export async function createAuditDataSource(options: AuditDataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    poolSize: options.poolSize ?? 10,
    extra: { connectionTimeoutMillis: 5000 },
  });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    // Replicas starting together must not race on `create … if not exists`.
    await runner.query('select pg_advisory_lock(hashtext($1))', [
      `audit-migrations:${options.schema}`,
    ]);
    for (const statement of auditMigrations(options.schema)) await runner.query(statement);
    await runner.query('select pg_advisory_unlock(hashtext($1))', [
      `audit-migrations:${options.schema}`,
    ]);
  } catch (error) {
    await runner.release();
    await dataSource.destroy();
    throw error;
  }
  await runner.release();
  return dataSource;
}
