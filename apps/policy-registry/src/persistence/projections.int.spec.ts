import { createDataSource, eventstoreMigrations } from '@llmgov/eventstore';
import { testSchema, type TestSchema } from '@llmgov/testing';
import type { DataSource } from 'typeorm';
import type { DecisionInput } from '../domain/simulate';
import { ProjectionsRepository } from './projections.repository';
import { registryMigrationClasses } from './schema';

const input = (i: number, org = 'org_1'): DecisionInput => ({
  request_id: `req_${i}`,
  org_id: org,
  team_id: null,
  key_id: 'key_1',
  agent_id: null,
  session_id: null,
  environment: null,
  model: 'gpt-4o',
  provider: 'openai',
  cost_micro_usd: i,
  reserved_micro_usd: i,
  completed_at: new Date(Date.UTC(2026, 2, 17, 0, 0, i)).toISOString(),
});

describe('registry projections on Postgres', () => {
  let schema: TestSchema;
  let ds: DataSource;
  let repo: ProjectionsRepository;
  beforeAll(async () => {
    schema = await testSchema('registry_proj');
    ds = await createDataSource({
      url: schema.url,
      schema: schema.name,
      poolSize: 2,
      migrations: [...eventstoreMigrations(schema.name), ...registryMigrationClasses(schema.name)],
    });
    repo = new ProjectionsRepository(ds, schema.name, 5);
  });
  afterAll(async () => {
    await ds.destroy();
    await schema.cleanup();
  });

  it('keeps the newest N decision inputs per org, oldest first, once per event id', async () => {
    for (let i = 1; i <= 70; i++) await repo.recordInput('c', `evt_${i}`, input(i));
    await repo.recordInput('c', 'evt_other', input(1, 'org_2'));
    expect(await repo.recordInput('c', 'evt_70', input(70))).toBe(false);
    expect((await repo.recentInputs('org_1')).map((r) => r.request_id)).toEqual([
      'req_66',
      'req_67',
      'req_68',
      'req_69',
      'req_70',
    ]);
    const [{ n }] = await ds.query(
      `select count(*)::int as n from "${schema.name}".decision_inputs where org_id = 'org_1'`,
    );
    expect(n).toBeLessThanOrEqual(5 + 32);
    expect((await repo.recentInputs('org_2')).map((r) => r.request_id)).toEqual(['req_1']);
  });

  it('keeps the newest review per agent whatever the delivery order', async () => {
    await repo.recordReview('r', 'e2', {
      org_id: 'org_1',
      agent_id: 'agt_1',
      reviewed_at: '2026-03-10T00:00:00.000Z',
    });
    await repo.recordReview('r', 'e1', {
      org_id: 'org_1',
      agent_id: 'agt_1',
      reviewed_at: '2026-03-01T00:00:00.000Z',
    });
    expect(await repo.lastReviews('org_1')).toEqual(
      new Map([['agt_1', '2026-03-10T00:00:00.000Z']]),
    );
    expect(await repo.lastReviews('org_2')).toEqual(new Map());
  });
});
