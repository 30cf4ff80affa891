import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  admittedEvent,
  budgetDocument,
  budgetLimitsFor,
  budgetSnapshot,
  completedEvent,
  principal,
  ReservationBook,
} from '@llmgov/budget';
import { exampleEvents, requestsTopic, policyTopic, tenancyTopic } from '@llmgov/events';
import { KafkaEventBus, silentLogger } from '@llmgov/messaging';
import { createServiceApp, hashSecret, HealthModule, newSecret } from '@llmgov/service-kit';
import {
  FixedClock,
  kafkaBrokers,
  testSchema,
  testTopicPrefix,
  waitFor,
  type TestSchema,
} from '@llmgov/testing';
import { BudgetLedgerModule } from '../src';
import { publishedEvent } from './ledger-fixtures';

const withEndUser = <E extends { data: object }>(e: E, endUser: string): E => ({
  ...e,
  data: { ...e.data, end_user: endUser },
});

describe('budget-ledger routes', () => {
  const clock = new FixedClock('2026-03-14T12:00:00.000Z');
  const bus = new KafkaEventBus({
    brokers: kafkaBrokers(),
    clientId: 'ledger-e2e',
    topicPrefix: testTopicPrefix(),
    logger: silentLogger,
  });
  const adminA = newSecret('msh');
  const adminB = newSecret('msh');
  const platformOwner = newSecret('msh');
  const snapshotToken = `snap_${randomUUID()}`;
  let schema: TestSchema;
  let app: NestFastifyApplication;

  const get = (url: string, secret: string | null = adminA) =>
    app.inject({
      method: 'GET',
      url,
      headers: secret ? { authorization: `Bearer ${secret}` } : {},
    });

  beforeAll(async () => {
    schema = await testSchema('budget_ledger_e2e');
    const keyEvent = (secret: string, org: string | null, n: number) => {
      const e = exampleEvents['key.created'];
      const role = org ? ('viewer' as const) : ('owner' as const);
      const data = {
        ...e.data,
        org_id: org,
        key_id: `key_admin_${n}`,
        kind: 'admin' as const,
        role,
        platform_owner: !org,
        key_hash: hashSecret(secret),
      };
      return { ...e, id: `evt_key_${n}`, subject: org ?? data.key_id, data };
    };
    const keys = [
      keyEvent(adminA, 'org_a', 1),
      keyEvent(adminB, 'org_b', 2),
      keyEvent(platformOwner, null, 3),
    ];
    await bus.publishBatch(tenancyTopic, keys);
    const doc = budgetDocument(
      { daily_budget_usd: 10, team_budgets: { team_t: 4 }, runner_session_budget_usd: 5 },
      [{ id: 'pol_agent', scope: 'agent', agent_id: 'agt_x', config: { monthly_limit_usd: 500 } }],
    );
    await bus.publish(policyTopic, publishedEvent(doc, 7));
    const at = clock.now();
    const p = principal({ session_id: 'sess_1' });
    await bus.publishBatch(requestsTopic, [
      admittedEvent('req_1', 2_000_000, 'gw-1', at, p),
      completedEvent('req_1', 1_250_000, 'gw-1', at, p, 2_000_000),
      withEndUser(
        completedEvent(
          'req_2',
          250_000,
          'gw-1',
          at,
          principal({ team_id: 'team_u', agent_id: null }),
        ),
        'user_9',
      ),
      admittedEvent('req_open', 500_000, 'gw-2', at, p),
    ]);

    const ledger = BudgetLedgerModule.forRoot({
      bus,
      databaseUrl: schema.url,
      schema: schema.name,
      replicaId: 'ledger-e2e',
      clock,
      jwt: {},
      poolSize: 4,
      snapshotToken,
    });
    @Module({ imports: [HealthModule, ledger] })
    class Root {}
    app = await createServiceApp(Root, { name: 'budget-ledger', logger: false });
    const snapshotOf = async () => (await get('/budgets/snapshot', snapshotToken)).json().data;
    await waitFor(async () => expect((await snapshotOf()).reservations).toHaveLength(1), {
      timeoutMs: 30_000,
    });
    await waitFor(async () => expect((await get('/budgets/status')).json().data).toHaveLength(4), {
      timeoutMs: 30_000,
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await bus.close();
    await schema?.cleanup();
  }, 30_000);

  describe('GET /budgets/spend', () => {
    it('groups the org spend of the current day by team', async () => {
      const res = await get('/budgets/spend?group_by=team&period=day');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        success: true,
        next_cursor: null,
        data: [
          {
            group_by: 'team',
            id: 'team_t',
            period: 'day',
            period_start: '2026-03-14T00:00:00.000Z',
            spent_usd: 1.25,
            spent_micro_usd: 1_250_000,
            requests: 1,
          },
          {
            group_by: 'team',
            id: 'team_u',
            period: 'day',
            period_start: '2026-03-14T00:00:00.000Z',
            spent_usd: 0.25,
            spent_micro_usd: 250_000,
            requests: 1,
          },
        ],
      });
    });

    it('groups by model and cost tag, per month', async () => {
      expect((await get('/budgets/spend?group_by=model&period=month')).json().data).toMatchObject([
        {
          id: 'gpt-4o',
          period_start: '2026-03-01T00:00:00.000Z',
          spent_micro_usd: 1_500_000,
          requests: 2,
        },
      ]);
      expect((await get('/budgets/spend?group_by=tag&period=month')).json().data).toMatchObject([
        { id: 'tag_a', spent_micro_usd: 1_500_000 },
      ]);
    });

    it('groups by end user (OpenAI `user`, Anthropic `metadata.user_id`); others in no group', async () => {
      const res = await get('/budgets/spend?group_by=user&period=day');
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toEqual([
        {
          group_by: 'user',
          id: 'user_9',
          period: 'day',
          period_start: '2026-03-14T00:00:00.000Z',
          spent_usd: 0.25,
          spent_micro_usd: 250_000,
          requests: 1,
        },
      ]);
    });

    it('filters by from/to', async () => {
      expect(
        (await get('/budgets/spend?group_by=org&from=2026-03-15&to=2026-03-16')).json().data,
      ).toEqual([]);
      expect(
        (await get('/budgets/spend?group_by=org&from=2026-03-01&to=2026-03-31')).json().data,
      ).toHaveLength(1);
    });

    it('answers another org nothing of this one (org-scoped)', async () => {
      expect((await get('/budgets/spend?group_by=org', adminB)).json().data).toEqual([]);
    });

    it('answers 400 naming a wrong group_by, 401 without credentials', async () => {
      const bad = await get('/budgets/spend?group_by=planet');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        success: false,
        error: {
          fields: [expect.objectContaining({ field: expect.stringContaining('group_by') })],
        },
      });
      expect((await get('/budgets/spend?group_by=org', null)).statusCode).toBe(401);
    });
  });

  describe('GET /budgets/status', () => {
    it('lists each budget with its limit, spend, open reservations, what remains and its period', async () => {
      const data = (await get('/budgets/status')).json().data as Record<string, unknown>[];
      const by = (code: string, scope: string) =>
        data.find((d) => d.code === code && d.scope === scope);
      expect(by('daily_budget', 'org')).toMatchObject({
        scope_id: 'org_a',
        period: 'day',
        period_start: '2026-03-14T00:00:00.000Z',
        limit_usd: 10,
        spent_usd: 1.5,
        remaining_usd: 8.5,
        reserved_micro_usd: 500_000,
      });
      expect(by('daily_budget', 'team')).toMatchObject({
        scope_id: 'team_t',
        limit_usd: 4,
        spent_usd: 1.25,
        remaining_usd: 2.75,
      });
      expect(by('budget_limit', 'agent')).toMatchObject({
        scope_id: 'agt_x',
        policy_id: 'pol_agent',
        period: 'month',
        period_start: '2026-03-01T00:00:00.000Z',
        limit_usd: 500,
        spent_usd: 1.25,
      });
      expect(by('runner_session_budget', 'session')).toMatchObject({
        scope_id: 'sess_1',
        period: 'session',
        period_start: null,
        limit_usd: 5,
        spent_usd: 1.25,
      });
    });

    it('answers another org an empty list', async () => {
      expect((await get('/budgets/status', adminB)).json()).toEqual({
        success: true,
        data: [],
        next_cursor: null,
      });
    });
  });

  describe('GET /budgets/snapshot', () => {
    it('answers current-period spend per scope, open reservations, recent completions and the stream position', async () => {
      const res = await get('/budgets/snapshot', snapshotToken);
      expect(res.statusCode).toBe(200);
      const snapshot = budgetSnapshot.parse(res.json().data);
      expect(snapshot.counters).toContainEqual({
        org_id: 'org_a',
        scope: 'team',
        scope_id: 'team_t',
        period: 'day',
        period_start: '2026-03-14T00:00:00.000Z',
        spent_micro_usd: 1_250_000,
      });
      expect(snapshot.reservations).toMatchObject([
        { request_id: 'req_open', amount_micro_usd: 500_000, replica_id: 'gw-2' },
      ]);
      expect(snapshot.recent_completed_request_ids.sort()).toEqual(['req_1', 'req_2']);
      expect(snapshot.positions.reduce((n, p) => n + Number(p.next_offset), 0)).toBe(4);
      expect(snapshot.as_of).toBe('2026-03-14T12:00:00.000Z');
    });

    it('is never open: 401 without credentials, 403 to an org admin, 200 to its token and the owner', async () => {
      expect((await get('/budgets/snapshot', null)).statusCode).toBe(401);
      expect((await get('/budgets/snapshot', 'not-the-token')).statusCode).toBe(401);
      const orgAdmin = await get('/budgets/snapshot', adminA);
      expect([orgAdmin.statusCode, orgAdmin.json().error.code]).toEqual([
        403,
        'platform_owner_only',
      ]);
      expect((await get('/budgets/snapshot', snapshotToken)).statusCode).toBe(200);
      const owner = await get('/budgets/snapshot', platformOwner);
      expect([owner.statusCode, owner.json().data.counters.length > 0]).toEqual([200, true]);
    });

    it('lets a restarted gateway replica rebuild the same view: spend, open reservations, and no double count of what it already reflects', async () => {
      const snapshot = budgetSnapshot.parse(
        (await get('/budgets/snapshot', snapshotToken)).json().data,
      );
      const book = new ReservationBook({ replica_id: 'gw-restarted' });
      book.loadSnapshot(snapshot);
      const p = principal({ session_id: 'sess_1' });
      const doc = budgetDocument({
        daily_budget_usd: 10,
        team_budgets: { team_t: 4 },
        runner_session_budget_usd: 5,
      });
      const [org, team, session] = budgetLimitsFor(doc, p, clock.now());
      expect(book.status(org)).toMatchObject({
        spent_micro_usd: 1_500_000,
        reserved_micro_usd: 500_000,
      });
      expect(book.status(team)).toMatchObject({
        spent_micro_usd: 1_250_000,
        reserved_micro_usd: 500_000,
      });
      expect(book.status(session)).toMatchObject({ spent_micro_usd: 1_250_000 });
      book.apply(completedEvent('req_1', 1_250_000, 'gw-1', clock.now(), p)); // buffered event the snapshot already holds
      expect(book.status(team).spent_micro_usd).toBe(1_250_000);
    });
  });
});
