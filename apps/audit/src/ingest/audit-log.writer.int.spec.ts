import { hashSecret, newSecret } from '@llmgov/service-kit';
import type { DataSource } from 'typeorm';
import { FixedClock, testSchema, type TestSchema } from '@llmgov/testing';
import { createAuditDataSource } from '../persistence/data-source';
import { AuditLogWriter } from './audit-log.writer';
import { AuditLogReader } from '../query/audit-log.reader';
import { verifyChain } from '../verify/verify-chain';
import { example, policyPublished, topicOf } from '../../test/audit-fixtures';

describe('AuditLogWriter (Postgres)', () => {
  let schema: TestSchema;
  let ds: DataSource;
  let writer: AuditLogWriter;
  let reader: AuditLogReader;
  const clock = new FixedClock('2026-04-01T10:00:00.000Z');

  beforeAll(async () => {
    schema = await testSchema('audit_writer');
    ds = await createAuditDataSource({ url: schema.url, schema: schema.name, poolSize: 12 });
    writer = new AuditLogWriter(ds, schema.name, () => clock.now());
    reader = new AuditLogReader(ds, schema.name);
  });
  afterAll(async () => {
    await ds.destroy();
    await schema.cleanup();
  });

  const append = (event: {
    id: string;
    type: string;
    source: string;
    time: string;
    subject: string;
    data: unknown;
  }) => writer.append(event, topicOf(event.type).name);

  it('appends per org with gapless positions, linked hashes, and a platform chain for events without an org', async () => {
    await append(example('org.created', 'org_w1'));
    await append(example('team.created', 'org_w1'));
    await append(example('key.created', 'org_w2'));
    await append(
      example('key.created', 'org_w1', {
        org_id: null,
        platform_owner: true,
        kind: 'admin',
        role: 'owner',
      }),
    );
    const w1 = await reader.list('org_w1', {}, 10);
    expect(w1.items.map((e) => e.position)).toEqual([2, 1]);
    expect(w1.items[0].prev_hash).toBe(w1.items[1].hash);
    expect((await reader.list('org_w2', {}, 10)).items.map((e) => e.position)).toEqual([1]);
    expect((await reader.list('platform', {}, 10)).items.map((e) => e.type)).toEqual([
      'key.created',
    ]);
  });

  it('is idempotent by event id: a redelivered event adds nothing', async () => {
    const event = example('policy.violated', 'org_redeliver');
    expect(await append(event)).toBe('appended');
    expect(await append(event)).toBe('duplicate');
    await Promise.all([append(event), append(event), append(event)]);
    expect((await reader.list('org_redeliver', {}, 10)).items).toHaveLength(1);
    expect(await verifyChain(reader, 'org_redeliver')).toEqual({
      ok: true,
      checked: 1,
      first_broken: null,
    });
  });

  it('appends a batch over several orgs in order, and a redelivered or overlapping batch adds nothing twice', async () => {
    const events = Array.from({ length: 120 }, (_, i) =>
      example(i % 2 ? 'request.completed' : 'policy.violated', `org_batch_${i % 3}`),
    );
    const items = (list: typeof events) =>
      list.map((event) => ({ event, topic: topicOf(event.type).name }));
    const first = await writer.appendAll(items(events.slice(0, 80)));
    expect(first.filter((o) => o === 'appended')).toHaveLength(80);
    expect(await writer.appendAll(items(events.slice(0, 80)))).toEqual(Array(80).fill('duplicate'));
    const overlapping = await writer.appendAll(
      items([...events.slice(60, 120), ...events.slice(100, 110)]),
    );
    expect(overlapping.filter((o) => o === 'appended')).toHaveLength(40);
    for (const org of [0, 1, 2]) {
      const chain = `org_batch_${org}`;
      expect(await verifyChain(reader, chain)).toEqual({
        ok: true,
        checked: 40,
        first_broken: null,
      });
      const logged = (await reader.list(chain, {}, 100)).items.reverse().map((e) => e.event_id);
      expect(logged).toEqual(events.filter((_, i) => i % 3 === org).map((e) => e.id));
    }
  });

  it('keeps one gapless chain when two replicas append to the same org at once', async () => {
    const replica = await createAuditDataSource({
      url: schema.url,
      schema: schema.name,
      poolSize: 4,
    });
    const other = new AuditLogWriter(replica, schema.name, () => clock.now());
    try {
      const events = Array.from({ length: 200 }, (_, i) =>
        example(i % 2 ? 'request.completed' : 'policy.violated', 'org_concurrent'),
      );
      await Promise.all(
        events.map((e, i) => (i % 3 ? writer : other).append(e, topicOf(e.type).name)),
      );
      expect(await verifyChain(reader, 'org_concurrent')).toEqual({
        ok: true,
        checked: 200,
        first_broken: null,
      });
    } finally {
      await replica.destroy();
    }
  });

  it('indexes actor, request id, policy version, agent, key, model, step and code', async () => {
    await append(example('policy.violated', 'org_index'));
    await append(example('policy.rule.updated', 'org_index'));
    const [rule, violated] = (await reader.list('org_index', {}, 10)).items;
    expect(violated).toMatchObject({
      request_id: 'req_example',
      policy_version: 42,
      agent_id: 'agt_example',
      key_id: 'gk_key_example',
      model: 'gpt-3.5-turbo',
      step: 'model_access',
      code: 'model_allowlist',
      actor: null,
    });
    expect(rule).toMatchObject({ actor: 'admin_key:msh_key_example', policy_version: 44 });
    expect((await reader.list('org_index', { code: 'model_allowlist' }, 10)).items).toHaveLength(1);
    expect(
      (await reader.list('org_index', { actor: 'admin_key:msh_key_example' }, 10)).items.map(
        (e) => e.type,
      ),
    ).toEqual(['policy.rule.updated']);
  });

  it('learns the log level from the active policy and strips what it excludes', async () => {
    const preview = 'Customer jane@example.com asks about card 4111 1111 1111 1111';
    await append(example('approval.requested', 'org_levels', { preview }));
    await append(policyPublished('org_levels', 2, 'verbose'));
    await append(example('approval.requested', 'org_levels', { preview }));
    await append(
      example('policy.published', 'org_levels', {
        policy_version: 3,
        status: 'draft',
        document: { deployer: { log_level: 'minimal', retention_days: 30 } },
      }),
    );
    await append(example('policy.violated', 'org_levels'));
    await append(policyPublished('org_levels', 4, 'minimal'));
    await append(example('policy.violated', 'org_levels'));
    const items = (await reader.list('org_levels', {}, 10)).items.reverse();
    const data = (i: number) => items[i].event.data as Record<string, unknown>;
    expect(data(0).preview).toBeUndefined(); // default: standard
    expect(data(2).preview).toBe(preview); // verbose
    expect(data(4).message).toContain('Policy violation'); // a draft changes nothing
    expect(data(6).message).toBeUndefined(); // minimal
    expect(data(6).code).toBe('model_allowlist');
    expect((await verifyChain(reader, 'org_levels')).ok).toBe(true);
  });

  it('rejects nothing and loses nothing when a redelivery races a first delivery of the same org', async () => {
    const events = Array.from({ length: 30 }, () => example('budget.exceeded', 'org_race'));
    await Promise.all([...events, ...events].map(append));
    expect(await verifyChain(reader, 'org_race')).toEqual({
      ok: true,
      checked: 30,
      first_broken: null,
    });
  });

  it('holds no prompt text, PII or key secret after a run that sent them through events', async () => {
    const gatewayKey = newSecret('gk');
    const adminSecret = newSecret('msh');
    const pii = [
      'secret.jane.doe@example.com',
      '5500 0000 0000 0004',
      '078-05-1120',
      'sk-proj-abcdefghijklmnopqrstuvwx',
      'AKIAIOSFODNN7EXAMPLE',
    ];
    const events = [
      example('key.created', 'org_secrets', {
        key_hash: hashSecret(gatewayKey),
        prefix: gatewayKey.slice(0, 7),
      }),
      example('key.created', 'org_secrets', {
        kind: 'admin',
        role: 'owner',
        key_hash: hashSecret(adminSecret),
        prefix: adminSecret.slice(0, 7),
      }),
      example('approval.requested', 'org_secrets', {
        preview: `Summarise: ${pii.join(', ')} key ${gatewayKey}`,
      }),
      example('policy.violated', 'org_secrets', {
        code: 'pii_detected',
        step: 'pii_scan',
        message: 'Policy violation: pii_scan — email, ssn detected',
      }),
      // A producer that (wrongly) added prompt text and a secret: stripped defensively.
      {
        ...example('request.completed', 'org_secrets'),
        data: {
          ...example('request.completed', 'org_secrets').data,
          messages: [{ role: 'user', content: pii.join(' ') }],
          api_key: gatewayKey,
          prompt: pii[0],
        },
      },
    ];
    for (const e of events) await append(e);
    const dump = JSON.stringify(await ds.query(`select * from "${schema.name}".audit_entries`));
    const leaks = [
      gatewayKey,
      adminSecret,
      hashSecret(gatewayKey),
      hashSecret(adminSecret),
      ...pii,
    ].filter((leak) => dump.includes(leak));
    expect(leaks).toEqual([]);
    expect(dump).toContain('"prompt_tokens":12'); // usage survives the defensive strip
    expect((await reader.list('org_secrets', {}, 10)).items).toHaveLength(events.length);
  });
});
