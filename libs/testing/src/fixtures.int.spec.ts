import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import {
  createTopicsAndWait,
  databaseUrl,
  kafkaBrokers,
  testSchema,
  testTopicPrefix,
  waitFor,
} from './index';

// jest.config.js sets testTimeout per project, which Jest ignores (it reads the global option only).
jest.setTimeout(60_000);

async function query<T extends Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('testSchema (real Postgres)', () => {
  it('creates a unique schema, scopes the url to it, and drops it with its tables', async () => {
    const schema = await testSchema('fixtures');
    const other = await testSchema('fixtures');
    try {
      expect(schema.name).toMatch(/^fixtures_[0-9a-f]{10}$/);
      expect(other.name).not.toBe(schema.name);
      const exists = (name: string) =>
        query(databaseUrl(), 'select 1 from information_schema.schemata where schema_name = $1', [
          name,
        ]).then((rows) => rows.length === 1);
      expect(await exists(schema.name)).toBe(true);

      await query(schema.url, 'create table note (id int primary key)');
      const [row] = await query<{ current: string; tables: string[] }>(
        databaseUrl(),
        `select (select current_schema()) as current,
                array(select table_schema::text from information_schema.tables where table_name = 'note') as tables`,
      );
      expect(row.tables).toContain(schema.name);
      expect(row.current).toBe('public');
      const [scoped] = await query<{ current: string }>(
        schema.url,
        'select current_schema() as current',
      );
      expect(scoped.current).toBe(schema.name);

      await schema.cleanup();
      expect(await exists(schema.name)).toBe(false);
      await schema.cleanup(); // twice is fine
    } finally {
      await schema.cleanup();
      await other.cleanup();
    }
  });
});

describe('testTopicPrefix (real Kafka)', () => {
  it('a topic created under the prefix can be produced to and consumed from', async () => {
    const prefix = testTopicPrefix();
    const topic = `${prefix}roundtrip`;
    const kafka = new Kafka({
      clientId: `${prefix}fixtures`,
      brokers: kafkaBrokers(),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    // A short fetch wait: disconnect() waits for the fetch in flight (kafkajs default 5 s).
    const consumer = kafka.consumer({ groupId: `${prefix}group`, maxWaitTimeInMs: 200 });
    await admin.connect();
    try {
      await createTopicsAndWait(admin, [{ topic, numPartitions: 1 }]);
      expect(await admin.listTopics()).toContain(topic);

      const received: Array<{ key: string; value: string }> = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.push({ key: String(message.key), value: String(message.value) });
        },
      });

      await producer.connect();
      await producer.send({
        topic,
        messages: [
          { key: 'agg-1', value: 'first' },
          { key: 'agg-1', value: 'second' },
        ],
      });

      await waitFor(
        () =>
          expect(received).toEqual([
            { key: 'agg-1', value: 'first' },
            { key: 'agg-1', value: 'second' },
          ]),
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.deleteGroups([`${prefix}group`]).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
