import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { policyViolatedTopic, requestsTopic, type EnvelopeBase } from '@llmgov/events';
import { KafkaEventBus, silentLogger } from '@llmgov/messaging';
import { databaseUrl, kafkaBrokers, testTopicPrefix, waitFor } from '@llmgov/testing';
import { createAuditDataSource } from '../persistence/data-source';
import { AuditLogWriter } from './audit-log.writer';
import { AuditConsumer } from './audit.consumer';
import { AuditLogReader } from '../query/audit-log.reader';
import { verifyChain } from '../verify/verify-chain';
import { auditMetrics } from '../metrics';
import { example, topicOf } from '../../test/audit-fixtures';

/**
 * The audit's database goes away while events keep flowing: its own role loses LOGIN and
 * its connections are terminated. Consumption pauses (the bus retries, nothing is
 * dead-lettered), then resumes when the role is back; the log ends complete and verifies.
 */
describe('AuditConsumer when the audit database is down (real Kafka + Postgres)', () => {
  const role = `audit_role_${randomUUID().slice(0, 8)}`;
  const schema = role;
  const ORG = 'org_outage';
  let admin: Client;
  let ds: DataSource;
  let bus: KafkaEventBus;
  let consumer: AuditConsumer;

  const count = async () =>
    Number(
      (
        await admin.query(`select count(*) as n from "${schema}".audit_entries where chain = $1`, [
          ORG,
        ])
      ).rows[0].n,
    );
  const publishMany = async (n: number) => {
    const events = Array.from({ length: n }, (_, i) =>
      example(i % 2 ? 'policy.violated' : 'request.completed', ORG),
    );
    for (const e of events) await bus.publish(topicOf(e.type) as never, e as never);
    return events as EnvelopeBase[];
  };

  beforeAll(async () => {
    admin = new Client({ connectionString: databaseUrl() });
    await admin.connect();
    await admin.query(`create role "${role}" login`);
    await admin.query(`create schema "${schema}" authorization "${role}"`);
    const url = new URL(databaseUrl());
    url.username = role;
    ds = await createAuditDataSource({ url: url.toString(), schema, poolSize: 4 });
    bus = new KafkaEventBus({
      brokers: kafkaBrokers(),
      clientId: `audit-outage-${role}`,
      topicPrefix: testTopicPrefix(),
      logger: silentLogger,
      retry: { initialDelayMs: 100, maxDelayMs: 500 },
    });
    consumer = new AuditConsumer(
      bus,
      new AuditLogWriter(ds, schema, () => new Date()),
      () => new Date(),
      1,
      [requestsTopic, policyViolatedTopic],
    );
    await consumer.start();
  }, 60_000);

  afterAll(async () => {
    await admin.query(`alter role "${role}" login`).catch(() => undefined);
    await consumer?.stop();
    await bus?.close();
    await ds?.destroy().catch(() => undefined);
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.query(`drop role if exists "${role}"`);
    await admin.end();
  });

  it('pauses while the database refuses connections, then logs every event and the chain verifies', async () => {
    await publishMany(20);
    await waitFor(async () => expect(await count()).toBe(20), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });

    const failuresBefore = (await auditMetrics.failures.get()).values[0]?.value ?? 0;
    await admin.query(`alter role "${role}" nologin`);
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where usename = $1', [
      role,
    ]);
    const during = await publishMany(60);
    await waitFor(
      async () =>
        expect((await auditMetrics.failures.get()).values[0]?.value ?? 0).toBeGreaterThan(
          failuresBefore,
        ),
      { timeoutMs: 15_000 },
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(await count()).toBe(20); // paused: nothing written, nothing skipped past

    await admin.query(`alter role "${role}" login`);
    await waitFor(async () => expect(await count()).toBe(80), {
      timeoutMs: 45_000,
      intervalMs: 200,
    });
    const logged = new Set(
      (await admin.query(`select event_id from "${schema}".audit_entries`)).rows.map(
        (r) => r.event_id,
      ),
    );
    expect(during.every((e) => logged.has(e.id))).toBe(true);
    expect(await verifyChain(new AuditLogReader(ds, schema), ORG)).toEqual({
      ok: true,
      checked: 80,
      first_broken: null,
    });
  }, 90_000);
});
