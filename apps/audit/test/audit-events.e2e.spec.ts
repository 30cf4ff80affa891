import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { Client } from 'pg';
import { allTopics, type EnvelopeBase } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import { adminKey, bearer, startAudit, type AuditHarness } from './audit-harness';
import { example, topicOf, type ExampleType } from './audit-fixtures';
import type { HashedEntry } from '../src';

const ORG = 'org_e2e_a';
const OTHER = 'org_e2e_b';
const allTypes = allTopics.flatMap((t) => t.types) as ExampleType[];

describe('audit routes (real Kafka + Postgres)', () => {
  let h: AuditHarness;
  let owner: string;
  let otherAdmin: string;
  let platform: string;
  const published: Record<string, EnvelopeBase> = {};

  const get = async (url: string, secret = owner) => {
    const res = await h.app.inject({ method: 'GET', url, headers: bearer(secret) });
    const json = res.headers['content-type']?.toString().startsWith('application/json');
    return {
      status: res.statusCode,
      body: json ? res.json() : null,
      raw: res.body,
      headers: res.headers,
    };
  };
  const entries = async (query = '', secret = owner): Promise<HashedEntry[]> =>
    (await get(`/audit/events?limit=500${query}`, secret)).body.data;
  const publish = (event: EnvelopeBase) =>
    h.bus.publish(topicOf(event.type) as never, event as never);

  beforeAll(async () => {
    h = await startAudit();
    [owner, otherAdmin, platform] = await Promise.all([
      adminKey(h.bus, ORG),
      adminKey(h.bus, OTHER, 'admin'),
      adminKey(h.bus, null),
    ]);
    for (const type of allTypes) {
      published[type] = example(type, ORG);
      await publish(published[type]);
    }
    await waitFor(
      async () => expect((await entries()).length).toBeGreaterThanOrEqual(allTypes.length + 1),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 60_000);
  afterAll(() => h?.close());

  it('GET /audit/events — every event type of libs/events is logged, with actor, time, request id and policy version', async () => {
    const logged = await entries();
    for (const type of allTypes) {
      const event = published[type];
      const entry = logged.find((e) => e.event_id === event.id);
      expect(entry).toBeDefined();
      const data = event.data as Record<string, unknown>;
      expect(entry).toMatchObject({
        chain: ORG,
        type,
        topic: topicOf(type).name,
        time: event.time,
      });
      expect(entry!.event).toMatchObject({
        id: event.id,
        type,
        time: event.time,
        subject: event.subject,
      });
      if (data.actor || data.reviewer) expect(entry!.actor).toBe('admin_key:msh_key_example');
      if (typeof data.request_id === 'string') expect(entry!.request_id).toBe(data.request_id);
      if (typeof data.policy_version === 'number')
        expect(entry!.policy_version).toBe(data.policy_version);
    }
    const positions = logged.map((e) => e.position).sort((a, b) => a - b);
    expect(positions).toEqual(positions.map((_, i) => i + 1));
  });

  it('GET /audit/events — filters by type, agent, key, model, step, code, policy version, request id, actor and time', async () => {
    const types = async (query: string) => (await entries(query)).map((e) => e.type).sort();
    expect(await types('&type=policy.violated')).toEqual(['policy.violated']);
    expect(await types('&step=model_access&code=model_allowlist&model=gpt-3.5-turbo')).toEqual([
      'policy.violated',
    ]);
    expect(await types('&request_id=req_example2')).toEqual(['approval.consumed']);
    expect(await types('&policy_version=44')).toEqual(['policy.rule.updated']);
    expect(await types('&key_id=gk_key_example')).toEqual([
      'policy.violated',
      'request.admitted',
      'request.completed',
    ]);
    expect((await types('&agent_id=agt_example')).length).toBeGreaterThanOrEqual(6);
    expect((await types('&actor=admin_key:msh_key_example')).length).toBeGreaterThanOrEqual(12);
    expect(await entries('&from=2026-04-01T10:00:00.001Z&to=2030-01-01T00:00:00Z')).toHaveLength(1); // the admin key event, stamped now
    expect((await get('/audit/events?since=yesterday')).body.error).toMatchObject({
      code: 'validation_failed',
      fields: [{ field: 'since' }],
    });
  });

  it('GET /audit/events — cursor pagination is stable while entries are appended', async () => {
    const first = await get('/audit/events?limit=5');
    expect(first.body.data).toHaveLength(5);
    await publish(example('key.revoked', ORG));
    await waitFor(async () => expect((await entries('&type=key.revoked')).length).toBe(2), {
      timeoutMs: 15_000,
    });
    const seen = [...first.body.data];
    for (let cursor = first.body.next_cursor; cursor;) {
      const page = await get(`/audit/events?limit=5&cursor=${cursor}`);
      seen.push(...page.body.data);
      cursor = page.body.next_cursor;
    }
    const positions = seen.map((e: HashedEntry) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => b - a));
    expect(new Set(positions).size).toBe(positions.length);
    expect(positions[positions.length - 1]).toBe(1);
  });

  it('GET /audit/events/:id — answers the entry; another org and a missing id answer 404; no key answers 401', async () => {
    const id = published['policy.violated'].id;
    expect((await get(`/audit/events/${id}`)).body.data).toMatchObject({
      event_id: id,
      chain: ORG,
    });
    expect((await get(`/audit/events/${id}`, otherAdmin)).status).toBe(404);
    expect((await get(`/audit/events/${id}`, platform)).status).toBe(200);
    expect((await get('/audit/events/nope')).status).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/audit/events' })).statusCode).toBe(401);
    expect((await entries('', otherAdmin)).map((e) => e.chain)).toEqual([OTHER]); // its own admin key only
    expect((await entries(`&org_id=${ORG}`, platform)).length).toBeGreaterThan(allTypes.length);
  });

  it('redelivery of an event already logged adds nothing', async () => {
    const before = (await entries()).length;
    await publish(published['policy.violated']);
    await publish(published['approval.granted']);
    const marker = example('agent.review.recorded', ORG);
    await publish(marker);
    await waitFor(async () => expect((await get(`/audit/events/${marker.id}`)).status).toBe(200), {
      timeoutMs: 15_000,
    });
    // The marker went after the redeliveries on its own topic; give the others' consumers a moment too.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await entries()).length).toBe(before + 1);
  });

  it('GET /audit/verify — the chain verifies; a row changed directly in Postgres is found', async () => {
    expect((await get('/audit/verify')).body).toEqual({
      success: true,
      data: { ok: true, checked: expect.any(Number), first_broken: null },
    });
    const platformChain = (await get('/audit/verify?org_id=platform', platform)).body.data;
    expect(platformChain).toMatchObject({ ok: true, checked: 1 });

    const victim = (await entries('&type=policy.rule.deleted'))[0];
    const db = new Client({ connectionString: h.schema.url });
    await db.connect();
    try {
      await db.query(
        `update "${h.schema.name}".audit_entries set event = jsonb_set(event, '{data,actor,id}', '"msh_someone_else"') where event_id = $1`,
        [victim.event_id],
      );
    } finally {
      await db.end();
    }
    const verdict = (await get('/audit/verify')).body.data;
    expect(verdict).toMatchObject({ ok: false, first_broken: victim.position });
    expect((await get(`/audit/verify?to=${victim.position - 1}`)).body.data).toMatchObject({
      ok: true,
      first_broken: null,
    });
  });

  it('GET /audit/export — jsonl with hashes that a third party re-verifies offline; csv with a header', async () => {
    const res = await get('/audit/export?format=jsonl&to=5');
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = res.raw
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as HashedEntry);
    expect(lines.map((l) => l.position)).toEqual([1, 2, 3, 4, 5]);
    let prev = `sha256:${'0'.repeat(64)}`;
    for (const { hash, ...entry } of lines) {
      expect(entry.prev_hash).toBe(prev);
      expect(`sha256:${createHash('sha256').update(canonicalize(entry)!).digest('hex')}`).toBe(
        hash,
      );
      prev = hash;
    }
    const csv = await get('/audit/export?format=csv&from=1&to=3');
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.raw.trim().split('\r\n');
    expect(rows[0]).toBe(
      'chain,position,event_id,type,topic,time,recorded_at,actor,agent_id,key_id,model,step,code,policy_version,request_id,event,prev_hash,hash',
    );
    expect(rows).toHaveLength(4);
    expect((await get('/audit/export?format=xml')).status).toBe(400);
  });
});
