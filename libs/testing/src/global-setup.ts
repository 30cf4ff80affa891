// Jest globalSetup of the `int` and `e2e` projects (jest.config.js), also used by tools/test.mjs
// to provision once for a whole run. Provides KAFKA_BROKERS and DATABASE_URL, in this order:
//   1. from the environment;
//   2. Testcontainers (KRaft Kafka, Postgres) when a Docker engine answers;
//   3. the local broker of infra/kafka/kafka.mjs and the local Postgres on 127.0.0.1:5432;
//   4. else an Error saying what is missing.
// The values go into process.env, which Jest workers inherit.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0'; // Apache Kafka 3.9
const POSTGRES_IMAGE = 'postgres:15-alpine';
const DOCKER_PROBE_TIMEOUT_MS = 5000;

type Source = 'env' | 'testcontainers' | 'local';

export interface TestInfra {
  kafkaBrokers: string;
  databaseUrl: string;
  sources: { kafka: Source; postgres: Source };
  /** Stops what this call started (containers, a broker no other run uses). */
  release(): Promise<void>;
  /** Best effort for `process.on('exit')`: stops a local broker; containers are left to Ryuk. */
  releaseSync(): void;
}

interface KafkaModule {
  ensureKafka(options: { lease: boolean; log?: (message: string) => void }): Promise<{
    brokers: string[];
    release(): Promise<void>;
    releaseSync(): void;
  }>;
  hideKafkajsTimeoutWarning(): void;
}

type Log = (message: string) => void;
const defaultLog: Log = (message) => process.stderr.write(`[test-infra] ${message}\n`);

/** Finds or starts Kafka and Postgres for integration tests (see the file comment). */
export async function provisionTestInfra(options: { log?: Log } = {}): Promise<TestInfra> {
  const log = options.log ?? defaultLog;
  const releases: Array<() => Promise<void>> = [];
  const syncReleases: Array<() => void> = [];
  const problems: string[] = [];
  let docker: Promise<boolean> | undefined;
  const dockerAnswers = () => (docker ??= dockerEngineAnswers());

  let kafkaBrokers = process.env.KAFKA_BROKERS;
  let kafkaSource: Source = 'env';
  if (!kafkaBrokers && (await dockerAnswers())) {
    try {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      log(`starting ${KAFKA_IMAGE} with Testcontainers`);
      const container = await new KafkaContainer(KAFKA_IMAGE).withKraft().start();
      kafkaBrokers = `${container.getHost()}:${container.getMappedPort(9093)}`;
      kafkaSource = 'testcontainers';
      releases.push(async () => void (await container.stop()));
    } catch (error) {
      problems.push(`Kafka: Testcontainers failed: ${message(error)}`);
    }
  }
  if (!kafkaBrokers) {
    try {
      const kafkaModule: KafkaModule = await import(
        join(__dirname, '..', '..', '..', 'infra', 'kafka', 'kafka.mjs')
      );
      kafkaModule.hideKafkajsTimeoutWarning();
      const kafka = await kafkaModule.ensureKafka({ lease: true });
      kafkaBrokers = kafka.brokers.join(',');
      kafkaSource = 'local';
      releases.push(() => kafka.release());
      syncReleases.push(() => kafka.releaseSync());
    } catch (error) {
      problems.push(
        'Kafka: KAFKA_BROKERS is unset, no Docker engine answers, and the local broker ' +
          `(infra/kafka/kafka.mjs: Java 17+, Maven, Maven Central) failed: ${message(error)}`,
      );
    }
  }

  let databaseUrl = process.env.DATABASE_URL;
  let postgresSource: Source = 'env';
  if (!databaseUrl && (await dockerAnswers())) {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      log(`starting ${POSTGRES_IMAGE} with Testcontainers`);
      const container = await new PostgreSqlContainer(POSTGRES_IMAGE).withDatabase('test').start();
      databaseUrl = container.getConnectionUri();
      postgresSource = 'testcontainers';
      releases.push(async () => void (await container.stop()));
    } catch (error) {
      problems.push(`Postgres: Testcontainers failed: ${message(error)}`);
    }
  }
  if (!databaseUrl) {
    try {
      databaseUrl = await localPostgres(log);
      postgresSource = 'local';
    } catch (error) {
      problems.push(
        `Postgres: DATABASE_URL is unset, no Docker engine answers, and ${LOCAL_DATABASE_URL} ` +
          `does not answer: ${message(error)}`,
      );
    }
  }

  const release = async () => {
    for (const fn of releases.reverse())
      await fn().catch((error) => log(`cleanup failed: ${message(error)}`));
  };
  if (!kafkaBrokers || !databaseUrl) {
    await release();
    throw new Error(`Integration tests cannot run:\n  - ${problems.join('\n  - ')}`);
  }
  for (const problem of problems) log(`(fell back) ${problem}`);
  log(
    `Kafka ${kafkaBrokers} (${kafkaSource}), Postgres ${redact(databaseUrl)} (${postgresSource})`,
  );
  return {
    kafkaBrokers,
    databaseUrl,
    sources: { kafka: kafkaSource, postgres: postgresSource },
    release,
    releaseSync: () => syncReleases.forEach((fn) => fn()),
  };
}

export default async function globalSetup(): Promise<void> {
  if (process.env.KAFKA_BROKERS && process.env.DATABASE_URL) return;
  const infra = await provisionTestInfra();
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.DATABASE_URL = infra.databaseUrl;
  // Jest ignores what a globalSetup returns and there is no globalTeardown: a broker this
  // process started is stopped when Jest exits (unless another run still uses it).
  process.once('exit', () => infra.releaseSync());
}

/** True when a Docker (or Podman) engine answers; quick when there is no socket at all. */
async function dockerEngineAnswers(): Promise<boolean> {
  const runtimeDir = process.env.XDG_RUNTIME_DIR ?? `/run/user/${process.getuid?.() ?? 0}`;
  const sockets = [
    '/var/run/docker.sock',
    join(homedir(), '.docker', 'run', 'docker.sock'),
    join(homedir(), '.docker', 'desktop', 'docker.sock'),
    join(homedir(), '.colima', 'default', 'docker.sock'),
    join(homedir(), '.rd', 'docker.sock'),
    join(runtimeDir, 'docker.sock'),
    join(runtimeDir, 'podman', 'podman.sock'),
  ];
  const configured =
    !!process.env.DOCKER_HOST || existsSync(join(homedir(), '.testcontainers.properties'));
  if (!configured && !sockets.some((socket) => existsSync(socket))) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer')), DOCKER_PROBE_TIMEOUT_MS);
    });
    await Promise.race([getContainerRuntimeClient(), timeout]).finally(() => clearTimeout(timer));
    return true;
  } catch {
    return false;
  }
}

type PgAnswer = 'ok' | 'no-database';

async function pgAnswers(url: string): Promise<PgAnswer> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return 'ok';
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') return 'no-database';
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The local Postgres: starts the cluster once if it is down, creates database `test` if missing. */
async function localPostgres(log: Log): Promise<string> {
  let answer: PgAnswer;
  try {
    answer = await pgAnswers(LOCAL_DATABASE_URL);
  } catch (first) {
    const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
    if (versions.length === 0) throw first;
    log(`Postgres does not answer (${message(first)}): pg_ctlcluster ${versions[0]} main start`);
    try {
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start'], {
        stdio: 'pipe',
        timeout: 60_000,
      });
    } catch (error) {
      throw new Error(`${message(first)}; pg_ctlcluster failed: ${message(error)}`);
    }
    answer = await retry(() => pgAnswers(LOCAL_DATABASE_URL), 15_000);
  }
  if (answer === 'no-database') {
    const admin = new Client({
      connectionString: LOCAL_DATABASE_URL.replace(/\/test$/, '/postgres'),
    });
    await admin.connect();
    try {
      await admin.query('create database test');
    } catch (error) {
      if ((error as { code?: string }).code !== '42P04') throw error; // created meanwhile
    } finally {
      await admin.end();
    }
  }
  return LOCAL_DATABASE_URL;
}

async function retry<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
