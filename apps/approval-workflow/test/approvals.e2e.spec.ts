import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  agentReviewsTopic,
  approvalsTopic,
  policyTopic,
  tenancyTopic,
  type EnvelopeBase,
} from '@llmgov/events';
import { createEventBus, type EventBus } from '@llmgov/messaging';
import { FixedClock, testSchema, waitFor, type TestSchema } from '@llmgov/testing';
import { ApprovalService } from '../src';
import {
  approvalRequested,
  bearer,
  jwtFor,
  reviewPolicyPublished,
  startService,
  tenancy,
} from './fixtures';

/** The approval service over HTTP with the in-process bus and real Postgres. */
describe('approval-workflow over HTTP (in-process bus)', () => {
  const clock = new FixedClock('2025-01-01T01:00:00.000Z');
  const t = tenancy();
  const published: EnvelopeBase[] = [];
  let bus: EventBus;
  let schema: TestSchema;
  let app: NestFastifyApplication;

  const call = (method: 'GET' | 'POST', url: string, secret: string, payload?: unknown) =>
    app
      .inject({
        method,
        url,
        headers: bearer(secret),
        ...(payload === undefined ? {} : { payload: payload as object }),
      })
      .then((r) => ({ status: r.statusCode, body: r.json() }));
  const consume = (
    id: string,
    secret = t.gateway.secret,
    fingerprint = `sha256:${'a'.repeat(64)}`,
  ) => call('POST', `/approvals/${id}/consume`, secret, { fingerprint, request_id: 'req_retry' });
  /** Publishes an approval.requested and waits until the service has it pending. */
  const requestApproval = async (over: Parameters<typeof approvalRequested>[1] = {}) => {
    const event = approvalRequested(t, over);
    await bus.publish(approvalsTopic, event);
    await waitFor(async () =>
      expect(
        (await call('GET', `/approvals/${event.data.approval_id}`, t.keys.owner.secret)).status,
      ).toBe(200),
    );
    return event.data.approval_id;
  };
  const publishedOf = (type: string, id: string) =>
    published.filter((e) => e.type === type && e.subject === id);

  beforeAll(async () => {
    bus = createEventBus({ kind: 'in-process' });
    schema = await testSchema('approval_e2e');
    await bus.publishBatch(tenancyTopic, t.events);
    app = await startService({ bus, databaseUrl: schema.url, schema: schema.name, clock });
    await bus.subscribe({
      topic: approvalsTopic,
      group: 'test.collector',
      handler: async (e) => void published.push(e),
    });
    await bus.subscribe({
      topic: agentReviewsTopic,
      group: 'test.collector',
      handler: async (e) => void published.push(e),
    });
    await waitFor(async () =>
      expect((await call('GET', '/approvals', t.keys.owner.secret)).status).toBe(200),
    );
  });

  afterAll(async () => {
    await app?.close();
    await bus?.close();
    await schema?.cleanup();
  });

  describe('GET /approvals', () => {
    it('lists a requested approval as pending, once even when the event is delivered twice', async () => {
      const event = approvalRequested(t);
      await bus.publish(approvalsTopic, event);
      await bus.publish(approvalsTopic, event);
      await waitFor(async () => {
        const { body } = await call(
          'GET',
          `/approvals?status=pending&agent_id=${t.agentId}&limit=200`,
          t.keys.viewer.secret,
        );
        expect(body.data.filter((a: { id: string }) => a.id === event.data.approval_id)).toEqual([
          expect.objectContaining({
            status: 'pending',
            key_id: t.gateway.id,
            model: 'gpt-4o',
            estimated_cost_usd: 2.5,
            expires_at: event.data.expires_at,
          }),
        ]);
      });
    });

    it('pages with next_cursor and filters by status', async () => {
      for (let i = 0; i < 3; i++) await requestApproval();
      const seen = new Set<string>();
      let cursor: string | null = null;
      do {
        const {
          body,
        }: {
          body: {
            success: boolean;
            data: Array<{ id: string; status: string }>;
            next_cursor: string | null;
          };
        } = await call(
          'GET',
          `/approvals?status=pending&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          t.keys.owner.secret,
        );
        expect(body.success).toBe(true);
        expect(body.data.length).toBeLessThanOrEqual(2);
        for (const a of body.data) {
          expect(a.status).toBe('pending');
          expect(seen.has(a.id)).toBe(false);
          seen.add(a.id);
        }
        cursor = body.next_cursor;
      } while (cursor);
      expect(seen.size).toBeGreaterThanOrEqual(3);
      expect((await call('GET', '/approvals?cursor=garbage', t.keys.owner.secret)).status).toBe(
        400,
      );
    });

    it('answers 401 without credentials and hides other orgs', async () => {
      expect((await app.inject({ method: 'GET', url: '/approvals' })).statusCode).toBe(401);
      const stranger = await jwtFor('mallory', 'org_other', 'owner');
      const { body } = await call('GET', '/approvals', stranger);
      expect(body.data).toEqual([]);
    });
  });

  describe('POST /approvals/:id/approve then POST /approvals/:id/consume', () => {
    it('grants, then the same key and fingerprint consume it exactly once', async () => {
      const id = await requestApproval();
      const approved = await call('POST', `/approvals/${id}/approve`, t.keys.reviewer.secret, {
        reason: 'ok for today',
      });
      expect(approved).toMatchObject({
        status: 200,
        body: {
          success: true,
          data: {
            id,
            status: 'granted',
            reason: 'ok for today',
            decided_by: { kind: 'admin_key', id: t.keys.reviewer.id },
          },
        },
      });

      expect(await consume(id)).toEqual({
        status: 200,
        body: { success: true, data: { status: 'consumed', approval_id: id, held_answer: null } },
      });
      expect(await consume(id)).toMatchObject({
        status: 403,
        body: { success: false, error: { code: 'approval_denied' } },
      });
      await waitFor(() => {
        expect(publishedOf('approval.granted', id)).toHaveLength(1);
        expect(publishedOf('approval.consumed', id)).toEqual([
          expect.objectContaining({ data: expect.objectContaining({ request_id: 'req_retry' }) }),
        ]);
      });
    });

    it('refuses a changed fingerprint and another key (403), a pending approval (409) and an unknown id (404)', async () => {
      const id = await requestApproval();
      expect(await consume(id)).toMatchObject({
        status: 409,
        body: { error: { code: 'approval_pending' } },
      });
      await call('POST', `/approvals/${id}/approve`, t.keys.reviewer.secret);
      expect(await consume(id, t.gateway.secret, `sha256:${'c'.repeat(64)}`)).toMatchObject({
        status: 403,
        body: { error: { code: 'approval_denied' } },
      });
      expect(await consume(id, t.otherGateway.secret)).toMatchObject({
        status: 403,
        body: { error: { code: 'approval_denied' } },
      });
      expect(await consume('apr_unknown')).toMatchObject({ status: 404 });
      expect(await consume(id, t.keys.owner.secret)).toMatchObject({ status: 401 });
      expect((await consume(id)).status).toBe(200);
    });

    it('of two concurrent consumes exactly one passes', async () => {
      const id = await requestApproval();
      await call('POST', `/approvals/${id}/approve`, t.keys.reviewer.secret);
      const results = await Promise.all(Array.from({ length: 8 }, () => consume(id)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 403, 403, 403, 403, 403, 403, 403]);
    });
  });

  describe('roles', () => {
    it('a viewer cannot decide; an owner and a JWT reviewer can', async () => {
      const id = await requestApproval();
      expect(await call('POST', `/approvals/${id}/approve`, t.keys.viewer.secret)).toMatchObject({
        status: 403,
        body: { error: { code: 'insufficient_role' } },
      });
      expect(
        await call('POST', `/approvals/${id}/reject`, t.keys.viewer.secret, { reason: 'no' }),
      ).toMatchObject({ status: 403 });
      const jwt = await jwtFor('alice@example.com', t.orgId, 'reviewer');
      expect(await call('POST', `/approvals/${id}/approve`, jwt)).toMatchObject({
        status: 200,
        body: { data: { status: 'granted', decided_by: { kind: 'jwt', id: 'alice@example.com' } } },
      });
      expect(await call('POST', `/approvals/${id}/approve`, t.keys.owner.secret)).toMatchObject({
        status: 409,
        body: { error: { code: 'approval_not_pending' } },
      });
    });

    it('refuses self-approval by the reviewer who issued the requesting key', async () => {
      const id = await requestApproval();
      expect(await call('POST', `/approvals/${id}/approve`, t.keys.issuer.secret)).toMatchObject({
        status: 403,
        body: { error: { code: 'self_approval' } },
      });
    });

    it('another org’s reviewer gets 404', async () => {
      const id = await requestApproval();
      const stranger = await jwtFor('mallory', 'org_other', 'reviewer');
      expect((await call('POST', `/approvals/${id}/approve`, stranger)).status).toBe(404);
    });
  });

  describe('POST /approvals/:id/reject', () => {
    it('requires a reason, then consume answers 403 approval_denied', async () => {
      const id = await requestApproval();
      expect(
        await call('POST', `/approvals/${id}/reject`, t.keys.reviewer.secret, {}),
      ).toMatchObject({
        status: 400,
        body: { error: { fields: [expect.objectContaining({ field: 'reason' })] } },
      });
      expect(
        await call('POST', `/approvals/${id}/reject`, t.keys.reviewer.secret, {
          reason: 'too costly',
        }),
      ).toMatchObject({
        status: 200,
        body: { data: { status: 'rejected', reason: 'too costly' } },
      });
      expect(await consume(id)).toMatchObject({
        status: 403,
        body: {
          error: { code: 'approval_denied', message: expect.stringContaining('too costly') },
        },
      });
      await waitFor(() => expect(publishedOf('approval.rejected', id)).toHaveLength(1));
    });
  });

  describe('expiry', () => {
    it('expires a pending approval past its deadline once; consume then answers 403', async () => {
      const id = await requestApproval({ expires_at: '2025-01-01T02:00:00.000Z' });
      const service = app.get(ApprovalService);
      clock.set('2025-01-01T02:00:00.000Z');
      try {
        expect(await service.sweep()).toBeGreaterThanOrEqual(1);
        expect(await service.sweep()).toBe(0);
        expect(
          (await call('GET', `/approvals/${id}`, t.keys.owner.secret)).body.data,
        ).toMatchObject({ status: 'expired', expired_at: '2025-01-01T02:00:00.000Z' });
        expect(await consume(id)).toMatchObject({
          status: 403,
          body: { error: { code: 'approval_denied' } },
        });
        expect(
          await call('POST', `/approvals/${id}/approve`, t.keys.reviewer.secret),
        ).toMatchObject({ status: 409 });
        await waitFor(() => expect(publishedOf('approval.expired', id)).toHaveLength(1));
      } finally {
        clock.set('2025-01-01T01:00:00.000Z');
      }
    });
  });

  describe('GET /approvals/:id?wait=N', () => {
    it('returns as soon as the approval is decided, for the client that requested it', async () => {
      const id = await requestApproval();
      const started = Date.now();
      const poll = app.inject({
        method: 'GET',
        url: `/approvals/${id}?wait=10`,
        headers: bearer(t.gateway.secret),
      });
      setTimeout(() => void call('POST', `/approvals/${id}/approve`, t.keys.reviewer.secret), 200);
      const res = await poll;
      expect(res.statusCode).toBe(200);
      expect(res.json().data.status).toBe('granted');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(
        (
          await app.inject({
            method: 'GET',
            url: `/approvals/${id}`,
            headers: bearer(t.otherGateway.secret),
          })
        ).statusCode,
      ).toBe(404);
    });

    it('answers pending after N seconds when nothing happens', async () => {
      const id = await requestApproval();
      const started = Date.now();
      const res = await call('GET', `/approvals/${id}?wait=1`, t.keys.owner.secret);
      expect(res.body.data.status).toBe('pending');
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect((await call('GET', `/approvals/${id}?wait=31`, t.keys.owner.secret)).status).toBe(400);
    });
  });

  describe('POST /governance/agents/:id/reviews', () => {
    it('records a review and publishes agent.review.recorded with next_review_due from the active policy', async () => {
      await bus.publish(policyTopic, reviewPolicyPublished(t.orgId, t.agentId, 7));
      await waitFor(async () =>
        expect(
          (await call('GET', `/governance/agents/${t.agentId}/review-status`, t.keys.viewer.secret))
            .body.data.review_interval_days,
        ).toBe(7),
      );
      const before = (
        await call('GET', `/governance/agents/${t.agentId}/review-status`, t.keys.viewer.secret)
      ).body.data;
      expect(before).toMatchObject({
        review_required: true,
        last_review: null,
        next_review_due: '2025-01-08T00:00:00.000Z',
        overdue: false,
      });

      const res = await call(
        'POST',
        `/governance/agents/${t.agentId}/reviews`,
        t.keys.reviewer.secret,
        { notes: 'checked prompts and tools' },
      );
      expect(res).toMatchObject({
        status: 201,
        body: {
          success: true,
          data: {
            agent_id: t.agentId,
            notes: 'checked prompts and tools',
            reviewer: { kind: 'admin_key', id: t.keys.reviewer.id },
            next_review_due: '2025-01-08T01:00:00.000Z',
          },
        },
      });
      await waitFor(() =>
        expect(published.filter((e) => e.type === 'agent.review.recorded')).toEqual([
          expect.objectContaining({
            subject: t.agentId,
            data: expect.objectContaining({
              org_id: t.orgId,
              next_review_due: '2025-01-08T01:00:00.000Z',
            }),
          }),
        ]),
      );
      const list = await call(
        'GET',
        `/governance/agents/${t.agentId}/reviews`,
        t.keys.viewer.secret,
      );
      expect(list.body).toMatchObject({
        success: true,
        data: [expect.objectContaining({ notes: 'checked prompts and tools' })],
        next_cursor: null,
      });
      expect(
        (await call('GET', `/governance/agents/${t.agentId}/review-status`, t.keys.viewer.secret))
          .body.data,
      ).toMatchObject({
        last_review: expect.objectContaining({ id: res.body.data.id }),
        next_review_due: '2025-01-08T01:00:00.000Z',
      });
    });

    it('a viewer cannot record a review; an unknown agent is 404', async () => {
      expect(
        (await call('POST', `/governance/agents/${t.agentId}/reviews`, t.keys.viewer.secret, {}))
          .status,
      ).toBe(403);
      expect(
        (await call('POST', '/governance/agents/agt_unknown/reviews', t.keys.reviewer.secret, {}))
          .status,
      ).toBe(404);
    });
  });
});
