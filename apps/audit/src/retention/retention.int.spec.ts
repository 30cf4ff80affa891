import type { DataSource } from 'typeorm';
import { FixedClock, testSchema, type TestSchema } from '@llmgov/testing';
import { createAuditDataSource } from '../persistence/data-source';
import { AuditLogWriter } from '../ingest/audit-log.writer';
import { AuditLogReader } from '../query/audit-log.reader';
import { verifyChain } from '../verify/verify-chain';
import { RetentionService } from './retention.service';
import { loadOrCreateSigningKey } from './signing-key.store';
import { example, policyPublished, topicOf } from '../../test/audit-fixtures';

const DAY = 86_400_000;

describe('RetentionService (Postgres)', () => {
  let schema: TestSchema;
  let ds: DataSource;
  let writer: AuditLogWriter;
  let reader: AuditLogReader;
  let retention: RetentionService;
  const clock = new FixedClock('2026-01-01T00:00:00.000Z');
  const ORG = 'org_retention';

  beforeAll(async () => {
    schema = await testSchema('audit_retention');
    ds = await createAuditDataSource({ url: schema.url, schema: schema.name });
    writer = new AuditLogWriter(ds, schema.name, () => clock.now());
    reader = new AuditLogReader(ds, schema.name);
    retention = new RetentionService(
      ds,
      schema.name,
      await loadOrCreateSigningKey(ds, schema.name),
      { segmentSize: 10, defaultRetentionDays: 365 },
    );
  });
  afterAll(async () => {
    await ds.destroy();
    await schema.cleanup();
  });

  const appendMany = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const e = example('request.completed', ORG);
      await writer.append(e, topicOf(e.type).name);
      clock.advance(1000);
    }
  };

  it('prunes whole expired segments behind a signed checkpoint; the rest still verifies', async () => {
    const policy = policyPublished(ORG, 1, 'standard', 30);
    await writer.append(policy, topicOf(policy.type).name); // position 1
    await appendMany(24); // positions 2…25, all on 2026-01-01
    clock.advance(31 * DAY);
    await appendMany(3); // 26…28, recent

    expect(await retention.run(clock.now())).toEqual([{ chain: ORG, position: 20, removed: 20 }]);
    const left = (await reader.list(ORG, {}, 100)).items.map((e) => e.position);
    expect(Math.min(...left)).toBe(21); // 21…25 are expired but not a whole segment
    expect(left).toHaveLength(8);
    expect(await verifyChain(reader, ORG)).toEqual({ ok: true, checked: 8, first_broken: null });
    expect(await verifyChain(reader, ORG, 1, 22)).toEqual({
      ok: true,
      checked: 2,
      first_broken: null,
    });
    expect(await retention.run(clock.now())).toEqual([]); // nothing more to cut yet
  });

  it('a forged checkpoint does not verify', async () => {
    await ds.query(
      `update "${schema.name}".audit_checkpoints set hash = 'sha256:' || repeat('f', 64) where chain = $1`,
      [ORG],
    );
    expect(await verifyChain(reader, ORG)).toEqual({ ok: false, checked: 8, first_broken: 21 });
  });

  it('keeps the platform chain for the default retention', async () => {
    const key = example('key.created', ORG, {
      org_id: null,
      platform_owner: true,
      kind: 'admin',
      role: 'owner',
    });
    await writer.append(key, topicOf(key.type).name);
    clock.advance(30 * DAY);
    expect((await retention.run(clock.now())).filter((r) => r.chain === 'platform')).toEqual([]);
  });
});
