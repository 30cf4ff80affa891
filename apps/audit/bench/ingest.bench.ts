// Audit ingest benchmark: events/s appended and end-to-end lag (publish → visible via
// GET /audit/events) on real Kafka and Postgres.
//   KAFKA_BROKERS=127.0.0.1:19092 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//   npx node -r ./tools/register.cjs apps/audit/bench/ingest.bench.ts [events] [orgs]
import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { allTopics, type EnvelopeBase } from '@llmgov/events';
import { KafkaEventBus, silentLogger } from '@llmgov/messaging';
import { createServiceApp, HealthModule, systemClock } from '@llmgov/service-kit';
import { AuditModule } from '../src';
import { adminKey, bearer } from '../test/audit-harness';
import { example, topicOf } from '../test/audit-fixtures';

const EVENTS = Number(process.argv[2] ?? 5000);
const ORGS = Number(process.argv[3] ?? 10);
const PROBES = 50;

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
  const schema = `audit_bench_${randomUUID().slice(0, 8)}`;
  const bus = new KafkaEventBus({
    brokers,
    clientId: `audit-bench-${schema}`,
    topicPrefix: `${schema}.`,
    logger: silentLogger,
  });
  @Module({})
  class Root {
    static forRoot(): DynamicModule {
      return {
        module: Root,
        imports: [
          HealthModule,
          AuditModule.forRoot({
            bus,
            databaseUrl,
            schema,
            replicaId: schema,
            clock: systemClock,
            jwt: {},
            retentionIntervalMs: 0,
            consumersPerTopic: 3,
          }),
        ],
      };
    }
  }
  let app = await createServiceApp(Root.forRoot(), { name: 'audit', logger: ['error'] });
  const owner = await adminKey(bus, 'org_bench_0');
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const count = async () =>
    Number((await db.query(`select count(*) as n from "${schema}".audit_entries`)).rows[0].n);
  const types = allTopics.flatMap((t) => t.types).filter((t) => t !== 'key.created') as Parameters<
    typeof example
  >[0][];
  try {
    while ((await count()) < 1) await sleep(100); // consumers joined and the admin key is logged

    // Throughput: publish EVENTS across topics and orgs in batches, time until all are logged.
    const byTopic = new Map<string, EnvelopeBase[]>();
    for (let i = 0; i < EVENTS; i++) {
      const e = example(types[i % types.length], `org_bench_${i % ORGS}`) as EnvelopeBase;
      const topic = topicOf(e.type).name;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), e]);
    }
    const startedAt = Date.now();
    await Promise.all(
      [...byTopic].map(async ([name, events]) => {
        const topic = allTopics.find((t) => t.name === name)!;
        for (let i = 0; i < events.length; i += 500)
          await bus.publishBatch(topic as never, events.slice(i, i + 500) as never);
      }),
    );
    const published = Date.now();
    while ((await count()) < EVENTS + 1) await sleep(50);
    const seconds = (Date.now() - startedAt) / 1000;

    // Lag: one event at a time, publish → visible through the HTTP route.
    const lags: number[] = [];
    for (let i = 0; i < PROBES; i++) {
      const e = example('policy.violated', 'org_bench_0') as EnvelopeBase;
      const t0 = performance.now();
      await bus.publish(topicOf(e.type) as never, e as never);
      for (;;) {
        const res = await app.inject({
          method: 'GET',
          url: `/audit/events/${e.id}`,
          headers: bearer(owner),
        });
        if (res.statusCode === 200) break;
        await sleep(2);
      }
      lags.push(performance.now() - t0);
    }
    // Backlog: the consumers stopped, EVENTS more published, then started again: how fast
    // they drain it (the sink's own capacity, not bounded by the publisher).
    await app.close();
    const backlog = [...Array(EVENTS).keys()].map(
      (i) => example(types[i % types.length], `org_bench_${i % ORGS}`) as EnvelopeBase,
    );
    await Promise.all(
      allTopics.map(async (topic) => {
        const mine = backlog.filter((e) => topicOf(e.type).name === topic.name);
        for (let i = 0; i < mine.length; i += 500)
          await bus.publishBatch(topic as never, mine.slice(i, i + 500) as never);
      }),
    );
    const before = await count();
    app = await createServiceApp(Root.forRoot(), { name: 'audit', logger: ['error'] });
    while ((await count()) === before) await sleep(5);
    const drainStart = Date.now();
    while ((await count()) < before + EVENTS) await sleep(20);
    const drainSeconds = (Date.now() - drainStart) / 1000;

    lags.sort((a, b) => a - b);
    const pct = (p: number) =>
      lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))].toFixed(1);
    console.log(
      JSON.stringify({
        events: EVENTS,
        orgs: ORGS,
        publish_s: ((published - startedAt) / 1000).toFixed(2),
        total_s: seconds.toFixed(2),
        entries_per_s: Math.round(EVENTS / seconds),
        backlog_entries_per_s: Math.round(EVENTS / drainSeconds),
        lag_ms: {
          p50: pct(50),
          p99: pct(99),
          max: lags[lags.length - 1].toFixed(1),
          probes: PROBES,
        },
      }),
    );
  } finally {
    await db.end();
    await app.close();
    await bus.close();
    const cleanup = new Client({ connectionString: databaseUrl });
    await cleanup.connect();
    await cleanup.query(`drop schema if exists "${schema}" cascade`);
    await cleanup.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
