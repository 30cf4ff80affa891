import { DataSource } from 'typeorm';
import { registrySchema } from './schema';

/** The registry's DataSource (raw SQL over TypeORM's pool), migrated before it is returned. */
export async function createRegistryDataSource(options: { url: string; schema: string; poolSize?: number }): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'postgres', url: options.url, schema: options.schema, poolSize: options.poolSize ?? 10, extra: { connectionTimeoutMillis: 5000 } });
  await dataSource.initialize();
  try {
    await dataSource.transaction(async (manager) => {
      // Replicas starting together must not race on `create … if not exists`.
      await manager.query('select pg_advisory_xact_lock(hashtext($1))', [`policy-registry-migrations:${options.schema}`]);
      for (const statement of registrySchema(options.schema)) await manager.query(statement);
    });
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
