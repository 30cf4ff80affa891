import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Admin, ITopicConfig } from 'kafkajs';
import { Client } from 'pg';

const NOT_SET_UP =
  'is not set: the Jest global setup (libs/testing/src/global-setup.ts) did not run. ' +
  'Run integration tests through `npm test` / `node tools/test.mjs int`, or a Jest project that declares it ' +
  '(files named *.int.spec.ts or *.e2e.spec.ts), or set the variable yourself.';

/** Kafka bootstrap brokers provided by the global setup (`KAFKA_BROKERS`, comma-separated). */
export function kafkaBrokers(): string[] {
  const value = process.env.KAFKA_BROKERS;
  if (!value) throw new Error(`KAFKA_BROKERS ${NOT_SET_UP}`);
  return value
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}

/** Postgres connection string provided by the global setup (`DATABASE_URL`). */
export function databaseUrl(): string {
  const value = process.env.DATABASE_URL;
  if (!value) throw new Error(`DATABASE_URL ${NOT_SET_UP}`);
  return value;
}

function randomId(length: number): string {
  return randomBytes(length).toString('hex').slice(0, length);
}

export interface TestSchema {
  /** The schema's name, e.g. `budget_1a2b3c4d5e`. */
  name: string;
  /** `databaseUrl()` with `search_path` set to this schema (pg and TypeORM honour `options`). */
  url: string;
  /** Drops the schema and everything in it (CASCADE). Safe to call twice. */
  cleanup(): Promise<void>;
}

/**
 * Creates a uniquely named Postgres schema for one test file, so files can run in parallel.
 * Call `cleanup()` in `afterAll`.
 */
export async function testSchema(prefix = 't'): Promise<TestSchema> {
  const base =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .replace(/^[^a-z_]/, '_$&')
      .slice(0, 40) || 't';
  const name = `${base}_${randomId(10)}`;
  const url = databaseUrl();
  await withClient(url, (client) => client.query(`create schema "${name}"`));
  const separator = url.includes('?') ? '&' : '?';
  return {
    name,
    url: `${url}${separator}options=${encodeURIComponent(`-c search_path=${name}`)}`,
    cleanup: () =>
      withClient(url, (client) => client.query(`drop schema if exists "${name}" cascade`)).then(
        () => undefined,
      ),
  };
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A unique Kafka topic prefix for one test file, like `t3f9a0c2b1e.`: prefix every topic and group id. */
export function testTopicPrefix(): string {
  return `t${randomId(10)}.`;
}

/**
 * Creates topics with the kafkajs admin client and waits until every partition has a leader.
 * kafkajs's own `waitForLeaders` gives up when a KRaft broker briefly answers "This server
 * does not host this topic-partition" for a topic it has just created (kafkajs #1563, #1618).
 */
export async function createTopicsAndWait(
  admin: Admin,
  topics: ITopicConfig[],
  options: WaitForOptions = {},
): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  const names = topics.map((topic) => topic.topic);
  await waitFor(
    async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      for (const topic of metadata.topics) {
        const expected = topics.find((t) => t.topic === topic.name)?.numPartitions;
        if (
          topic.partitions.length === 0 ||
          (expected && expected > 0 && topic.partitions.length < expected)
        ) {
          throw new Error(`topic ${topic.name}: ${topic.partitions.length} partitions so far`);
        }
        for (const partition of topic.partitions) {
          if (partition.partitionErrorCode !== 0 || partition.leader < 0) {
            throw new Error(
              `topic ${topic.name} partition ${partition.partitionId} has no leader yet`,
            );
          }
        }
      }
    },
    { timeoutMs: 30_000, intervalMs: 100, ...options },
  );
}

/** A clock for tests: stands still until moved. Satisfies the services' `Clock` (`now(): Date`). */
export class FixedClock {
  private ms: number;

  constructor(start: string | Date = '2025-01-01T00:00:00.000Z') {
    this.ms = toMs(start);
  }

  /** The current instant (a fresh Date each call). */
  now(): Date {
    return new Date(this.ms);
  }

  /** Moves the clock forward (or back, with a negative value) by `ms` milliseconds. */
  advance(ms: number): this {
    this.ms += ms;
    return this;
  }

  /** Sets the clock to an ISO-8601 instant (or a Date). */
  set(iso: string | Date): this {
    this.ms = toMs(iso);
    return this;
  }
}

function toMs(value: string | Date): number {
  const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (Number.isNaN(ms)) throw new Error(`FixedClock: not an ISO-8601 instant: ${String(value)}`);
  return ms;
}

export interface WaitForOptions {
  /** Give up after this long (default 10 000 ms). */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  intervalMs?: number;
}

/**
 * Calls `fn` until it returns (or resolves) without throwing, and returns its result.
 * On timeout, rethrows the last error `fn` threw, so Jest shows the failing assertion.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() + intervalMs > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it; it can be taken again before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
