import { checkedSchema, createDataSource, eventstoreMigrations } from '@llmgov/eventstore';
import type { DataSource } from 'typeorm';
import { ledgerMigrationClasses } from './schema';

export interface LedgerDataSourceOptions {
  url: string;
  schema: string;
  poolSize?: number;
}

/** The ledger's own DataSource on its schema: the event store's tables and its projections, migrated. */
export function createLedgerDataSource(options: LedgerDataSourceOptions): Promise<DataSource> {
  const schema = checkedSchema(options.schema);
  return createDataSource({
    url: options.url,
    schema,
    poolSize: options.poolSize,
    migrations: [...eventstoreMigrations(schema), ...ledgerMigrationClasses(schema)],
  });
}
