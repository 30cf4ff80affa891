import { databaseUrl, testSchema, type TestSchema } from '@llmgov/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { eventstoreMigrations } from './migrations/eventstore.migrations';

describe('createDataSource', () => {
  let schema: TestSchema;
  const opened: DataSource[] = [];
  beforeAll(async () => {
    schema = await testSchema('datasource');
    await schema.cleanup(); // createDataSource must create the schema itself
  });
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.destroy()));
    await schema.cleanup();
  });

  it('creates the schema and migrates it once when replicas start together', async () => {
    const start = () =>
      createDataSource({
        url: databaseUrl(),
        schema: schema.name,
        migrations: eventstoreMigrations(schema.name),
        poolSize: 1,
      });

    opened.push(...(await Promise.all([start(), start(), start()])));

    const migrations = (await opened[0].query(
      `SELECT name FROM "${schema.name}".migrations`,
    )) as Array<{ name: string }>;
    expect(migrations.map((m) => m.name)).toEqual([
      'EventstoreInit1763769600000',
      'EventstoreOutboxNotify1795824000000',
    ]);
    const tables = (await opened[0].query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema.name],
    )) as Array<{
      table_name: string;
    }>;
    expect(tables.map((t) => t.table_name)).toEqual([
      'events',
      'inbox',
      'migrations',
      'outbox',
      'projection_checkpoints',
    ]);
  });
});
