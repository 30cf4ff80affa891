import { createDataSource } from '@llmgov/eventstore';
import type { DataSource } from 'typeorm';
import { auditMigrationClasses } from './schema';

export interface AuditDataSourceOptions {
  url: string;
  schema: string;
  poolSize?: number;
}

/**
 * The audit's DataSource (raw SQL over TypeORM's pool), made like every service's by
 * `createDataSource`: schema created if missing, migrations run under an advisory lock.
 * The audit keeps no event store of its own: its log is its hash-chained table.
 */
export function createAuditDataSource(options: AuditDataSourceOptions): Promise<DataSource> {
  return createDataSource({
    url: options.url,
    schema: options.schema,
    poolSize: options.poolSize,
    migrations: auditMigrationClasses(options.schema),
  });
}
