import type { DataSource } from 'typeorm';
import { testSchema, type TestSchema } from '@llmgov/testing';
import { createAuditDataSource } from '../persistence/data-source';
import { WebhookStore, type NewDelivery } from './webhook.store';

const T0 = new Date('2026-11-28T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const delivery = (event_id: string, destination_id = 'ops'): NewDelivery => ({
  event_id,
  destination_id,
  org_id: 'org_a',
  event_type: 'budget.exceeded',
  url: 'https://ops.example/hook',
  secret_name: 'OPS',
  body: '{}',
});

describe('WebhookStore (Postgres)', () => {
  let schema: TestSchema;
  let ds: DataSource;
  let store: WebhookStore;

  beforeAll(async () => {
    schema = await testSchema('audit_webhooks');
    ds = await createAuditDataSource({ url: schema.url, schema: schema.name });
    store = new WebhookStore(ds, schema.name);
  });
  afterAll(async () => {
    await ds.destroy();
    await schema.cleanup();
  });

  it('enqueues an event once per destination, however often it is redelivered', async () => {
    await store.enqueue([delivery('evt_1'), delivery('evt_1', 'chat')], T0);
    await store.enqueue([delivery('evt_1')], at(5));
    const rows = await store.deliveries('org_a', undefined, 10);
    expect(rows.map((r) => `${r.event_id}/${r.destination_id}/${r.status}`).sort()).toEqual([
      'evt_1/chat/pending',
      'evt_1/ops/pending',
    ]);
  });

  it('claims due deliveries for a lease: a second poll in the lease gets nothing; after it, they are due again', async () => {
    const first = await store.claimDue(at(10), 1_000, 10);
    expect(first).toHaveLength(2);
    expect(await store.claimDue(at(20), 1_000, 10)).toEqual([]);
    expect(await store.claimDue(at(1_100), 1_000, 10)).toHaveLength(2);
  });

  it('a failure is retried at its time, the last one is a dead letter, a success is never claimed again', async () => {
    const [chat, ops] = [...(await store.claimDue(at(5_000), 1_000, 10))].sort((a, b) =>
      a.destination_id.localeCompare(b.destination_id),
    );
    await store.markDelivered(chat!, 200, at(5_001));
    await store.markFailed(ops!, 503, 'HTTP 503', at(9_000));
    expect(await store.claimDue(at(8_999), 1_000, 10)).toEqual([]);
    const [again] = await store.claimDue(at(9_000), 1_000, 10);
    expect(again).toMatchObject({ destination_id: 'ops', attempts: 1, last_error: 'HTTP 503' });
    await store.markFailed(again!, null, 'timeout', null);
    expect(await store.claimDue(at(99_000), 1_000, 10)).toEqual([]);
    const dead = await store.deliveries('org_a', 'dead_letter', 10);
    expect(dead).toEqual([
      expect.objectContaining({ destination_id: 'ops', attempts: 2, last_error: 'timeout' }),
    ]);
    // Redelivered after all this: nothing new, nothing reset.
    await store.enqueue([delivery('evt_1'), delivery('evt_1', 'chat')], at(100_000));
    expect((await store.deliveries('org_a', 'delivered', 10)).map((d) => d.destination_id)).toEqual(
      ['chat'],
    );
    expect(await store.claimDue(at(200_000), 1_000, 10)).toEqual([]);
  });

  it('prunes finished deliveries older than the horizon, never pending ones', async () => {
    await store.enqueue([delivery('evt_2')], T0);
    expect(await store.prune(at(1))).toBe(2);
    expect((await store.deliveries('org_a', undefined, 10)).map((d) => d.event_id)).toEqual([
      'evt_2',
    ]);
  });

  it('keeps the destinations of the newest active version only', async () => {
    const hook = (id: string) => ({
      id,
      url: 'https://x.example',
      secret_name: 'OPS',
      events: ['budget' as const],
    });
    await store.setDestinations('org_a', 3, [hook('v3')]);
    await store.setDestinations('org_a', 2, [hook('v2')]);
    expect((await store.destinations('org_a')).map((d) => d.id)).toEqual(['v3']);
    await store.setDestinations('org_a', 4, []);
    expect(await store.destinations('org_a')).toEqual([]);
    expect(await store.destinations('org_unknown')).toEqual([]);
  });
});
