import { randomUUID } from 'node:crypto';
import { agentReviewsTopic, policyTopic, requestsTopic, type EventOf } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import { givenOrg, startRegistry, type BusKind, type RegistryHarness } from './registry-app';

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** request.completed as a gateway publishes it (fields only, never text). */
function completed(
  orgId: string,
  over: {
    model: string;
    provider: string;
    environment?: string;
    agent_id?: string | null;
    id?: string;
    request_id?: string;
  },
): EventOf<typeof requestsTopic> {
  const request_id = over.request_id ?? `req_${randomUUID().replaceAll('-', '')}`;
  const now = new Date().toISOString();
  return {
    id: over.id ?? randomUUID(),
    type: 'request.completed',
    source: 'gateway',
    time: now,
    subject: request_id,
    data: {
      request_id,
      org_id: orgId,
      team_id: null,
      key_id: 'key_test',
      agent_id: over.agent_id ?? null,
      session_id: null,
      environment: over.environment ?? 'production',
      model: over.model,
      provider: over.provider,
      outcome: 'forwarded',
      http_status: 200,
      usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
      cost_micro_usd: 150,
      reserved_micro_usd: 900,
      tags: ['team:search'],
      streamed: false,
      policy_id: null,
      policy_version: 1,
      decision: [
        { step: 'authenticate', verdict: 'allow', code: null, policy_id: null, duration_ms: 0.1 },
      ],
      governance_ms: 1,
      upstream_ms: 5,
      replica_id: 'gw-1',
      started_at: now,
      completed_at: now,
    },
  } as EventOf<typeof requestsTopic>;
}

describe.each<BusKind>(['in-process', 'kafka'])('registry §6 routes (%s bus)', (kind) => {
  let h: RegistryHarness;
  let org: { orgId: string; ownerKey: string };
  let other: { orgId: string; ownerKey: string };
  let viewerKey: string;
  let teamId: string;
  let agentId: string;
  const published: EventOf<typeof policyTopic>[] = [];

  beforeAll(async () => {
    h = await startRegistry(kind);
    org = await givenOrg(h, 'growth', 'Acme');
    other = await givenOrg(h, 'starter', 'Other');
    viewerKey = (
      await h.call('POST', '/governance/keys', org.ownerKey, { kind: 'admin', role: 'viewer' })
    ).body.data.key;
    teamId = (await h.call('POST', '/governance/teams', org.ownerKey, { name: 'search' })).body.data
      .id;
    agentId = (
      await h.call('POST', '/governance/agents', org.ownerKey, {
        name: 'bot',
        environment: 'production',
        team_id: teamId,
      })
    ).body.data.id;
    await h.bus.subscribe({
      topic: policyTopic,
      group: `extras-test-${randomUUID()}`,
      fromBeginning: true,
      handler: async (e) => void published.push(e),
    });
  });
  afterAll(async () => {
    await h.stop();
    await h.schema.cleanup();
  });

  describe('/governance/exceptions', () => {
    it('POST creates a scoped exception approved by the caller, as a new version published with the change', async () => {
      const before = (await h.call('GET', '/api/v1/policies/active', org.ownerKey)).body.data
        .policy_version;
      const res = await h.call('POST', '/governance/exceptions', org.ownerKey, {
        kind: 'pii_pattern',
        target: 'email',
        scope: 'agent',
        scope_id: agentId,
        reason: 'CRM agent handles emails',
        expires_at: inDays(7),
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        success: true,
        data: {
          id: expect.stringMatching(/^exc_/),
          kind: 'pii_pattern',
          target: 'email',
          scope: 'agent',
          scope_id: agentId,
          approver: expect.stringMatching(/^key_/),
          status: 'active',
          policy_version: before + 1,
        },
      });
      const active = (await h.call('GET', '/api/v1/policies/active', org.ownerKey)).body.data;
      expect(active.document.exceptions.map((e: { id: string }) => e.id)).toEqual([
        res.body.data.id,
      ]);
      expect(active.change).toMatchObject({
        kind: 'exception_created',
        exception_id: res.body.data.id,
      });
      const event = await waitFor(() => {
        const e = published.find(
          (p) => p.type === 'policy.published' && p.data.version_id === active.id,
        );
        if (!e) throw new Error('not yet');
        return e;
      });
      expect(event.data).toMatchObject({
        actor: { kind: 'admin_key', id: res.body.data.approver },
        change: { kind: 'exception_created', exception_id: res.body.data.id },
      });
    });

    it('POST stores a model exception under its catalogue id, for the org or a team', async () => {
      const res = await h.call('POST', '/governance/exceptions', org.ownerKey, {
        kind: 'model',
        target: 'openai/gpt-4o',
        scope: 'team',
        scope_id: teamId,
        reason: 'eval',
        expires_at: inDays(1),
      });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({ target: 'gpt-4o', scope: 'team' });
      const listed = (await h.call('GET', '/governance/exceptions?kind=model', org.ownerKey)).body
        .data;
      expect(listed.map((e: { target: string }) => e.target)).toEqual(['gpt-4o']);
    });

    it.each([
      [
        'an expiry in the past',
        { kind: 'provider', target: 'groq', expires_at: inDays(-1) },
        'expires_at',
      ],
      [
        'an expiry beyond 90 days',
        { kind: 'provider', target: 'groq', expires_at: inDays(91) },
        'expires_at',
      ],
      [
        'an unknown PII pattern',
        { kind: 'pii_pattern', target: 'shoe_size', expires_at: inDays(1) },
        'target',
      ],
      [
        'an unknown content category',
        { kind: 'content_category', target: 'gossip', expires_at: inDays(1) },
        'target',
      ],
      [
        'a model outside the catalogue',
        { kind: 'model', target: 'gpt-17', expires_at: inDays(1) },
        'target',
      ],
      [
        'a team scope without scope_id',
        { kind: 'provider', target: 'groq', scope: 'team', expires_at: inDays(1) },
        'scope_id',
      ],
      [
        'an agent of no org',
        {
          kind: 'provider',
          target: 'groq',
          scope: 'agent',
          scope_id: 'agt_nope',
          expires_at: inDays(1),
        },
        'scope_id',
      ],
      ['an unknown kind', { kind: 'teleport', target: 'x', expires_at: inDays(1) }, 'kind'],
    ])('POST refuses %s, naming the field', async (_name, body, field) => {
      const res = await h.call('POST', '/governance/exceptions', org.ownerKey, {
        reason: 'r',
        ...body,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
    });

    it('a viewer lists but cannot create or delete; another org sees none of them', async () => {
      expect((await h.call('GET', '/governance/exceptions', viewerKey)).body.data.length).toBe(2);
      expect(
        (
          await h.call('POST', '/governance/exceptions', viewerKey, {
            kind: 'provider',
            target: 'groq',
            reason: 'r',
            expires_at: inDays(1),
          })
        ).status,
      ).toBe(403);
      const [first] = (await h.call('GET', '/governance/exceptions', org.ownerKey)).body.data;
      expect((await h.call('DELETE', `/governance/exceptions/${first.id}`, viewerKey)).status).toBe(
        403,
      );
      expect((await h.call('GET', '/governance/exceptions', other.ownerKey)).body.data).toEqual([]);
      expect(
        (await h.call('DELETE', `/governance/exceptions/${first.id}`, other.ownerKey)).status,
      ).toBe(404);
    });

    it('DELETE withdraws one as a new version', async () => {
      const [first, second] = (await h.call('GET', '/governance/exceptions', org.ownerKey)).body
        .data;
      const res = await h.call('DELETE', `/governance/exceptions/${first.id}`, org.ownerKey);
      expect(res.body).toMatchObject({ success: true, data: { id: first.id, deleted: true } });
      expect(
        (await h.call('GET', '/governance/exceptions', org.ownerKey)).body.data.map(
          (e: { id: string }) => e.id,
        ),
      ).toEqual([second.id]);
      expect(
        (await h.call('GET', '/api/v1/policies/active', org.ownerKey)).body.data.change,
      ).toMatchObject({ kind: 'exception_revoked', exception_id: first.id });
      expect(
        (await h.call('DELETE', `/governance/exceptions/${first.id}`, org.ownerKey)).status,
      ).toBe(404);
    });
  });

  describe('GET /governance/orgs', () => {
    it('the platform owner sees every org; an org owner its own', async () => {
      const all = (await h.call('GET', '/governance/orgs', h.bootstrapKey)).body.data.map(
        (o: { id: string }) => o.id,
      );
      expect(all).toEqual(expect.arrayContaining([org.orgId, other.orgId]));
      const own = await h.call('GET', '/governance/orgs', viewerKey);
      expect(own.body).toMatchObject({
        success: true,
        data: [{ id: org.orgId, name: 'Acme', plan: 'growth' }],
      });
    });
  });

  describe('GET /governance/agents — review status', () => {
    it('an agent without a review rule needs no review', async () => {
      const [agent] = (await h.call('GET', '/governance/agents', org.ownerKey)).body.data;
      expect(agent.review).toEqual({
        required: false,
        policy_id: null,
        review_interval_days: null,
        on_overdue: null,
        last_reviewed_at: null,
        next_review_due: null,
        overdue: false,
      });
    });

    it('a require_human_review rule makes it due one interval after creation, then after each recorded review', async () => {
      const rule = (
        await h.call('POST', '/governance/policies', org.ownerKey, {
          name: 'review',
          policy_type: 'require_human_review',
          config: { review_interval_days: 7 },
        })
      ).body.data;
      const agent = (await h.call('GET', '/governance/agents', org.ownerKey)).body.data.find(
        (a: { id: string }) => a.id === agentId,
      );
      expect(agent.review).toMatchObject({
        required: true,
        policy_id: rule.id,
        review_interval_days: 7,
        on_overdue: 'block',
        last_reviewed_at: null,
        overdue: false,
      });
      expect(Date.parse(agent.review.next_review_due)).toBe(Date.parse(agent.created_at) + 7 * DAY);

      const reviewedAt = new Date(Date.now() - 30 * DAY).toISOString();
      const review: EventOf<typeof agentReviewsTopic> = {
        id: randomUUID(),
        type: 'agent.review.recorded',
        source: 'approval-workflow',
        time: reviewedAt,
        subject: agentId,
        data: {
          org_id: org.orgId,
          agent_id: agentId,
          reviewer: { kind: 'admin_key', id: 'key_r' },
          notes: null,
          reviewed_at: reviewedAt,
          next_review_due: null,
        },
      };
      await h.bus.publish(agentReviewsTopic, review);
      await h.bus.publish(agentReviewsTopic, review);
      const reviewed = await waitFor(async () => {
        const a = (await h.call('GET', '/governance/agents', org.ownerKey)).body.data.find(
          (x: { id: string }) => x.id === agentId,
        );
        if (!a.review.last_reviewed_at) throw new Error('not yet');
        return a;
      });
      expect(reviewed.review).toMatchObject({
        last_reviewed_at: reviewedAt,
        next_review_due: new Date(Date.parse(reviewedAt) + 7 * DAY).toISOString(),
        overdue: true,
      });
    });
  });

  describe('POST /api/v1/policies/:id/simulate', () => {
    it('re-decides the recorded requests under a draft and reports what it would change', async () => {
      const events = [
        completed(org.orgId, { model: 'gpt-4o', provider: 'openai' }),
        completed(org.orgId, { model: 'gpt-4o', provider: 'openai', environment: 'staging' }),
        completed(org.orgId, { model: 'gpt-4o-mini', provider: 'openai' }),
        completed(org.orgId, { model: 'claude-sonnet-4-5', provider: 'anthropic' }),
        completed(other.orgId, { model: 'gpt-4o', provider: 'openai' }),
      ];
      for (const e of events) await h.bus.publish(requestsTopic, e);
      await h.bus.publish(requestsTopic, events[0]); // redelivered: counted once
      const draft = (
        await h.call('POST', '/api/v1/policies', org.ownerKey, {
          eligible_models: ['gpt-4o-mini', 'claude-sonnet-4-5'],
          required_signers: 1,
        })
      ).body.data;
      expect(draft.status).toBe('draft');

      const report = await waitFor(async () => {
        const res = await h.call('POST', `/api/v1/policies/${draft.id}/simulate`, org.ownerKey, {});
        if (res.body.data?.evaluated !== 4)
          throw new Error(`evaluated ${JSON.stringify(res.body)}`);
        return res;
      });
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({
        success: true,
        data: {
          version_id: draft.id,
          policy_version: draft.policy_version,
          status: 'draft',
          evaluated: 4,
          changed: 2,
          would_block: [{ code: 'model_allowlist', count: 2 }],
          would_allow: [],
        },
      });
      // Kafka interleaves partitions, so the examples come in completion order, not publish order.
      expect(report.body.data.examples).toHaveLength(2);
      expect(report.body.data.examples).toEqual(
        expect.arrayContaining([
          {
            request_id: events[0].data.request_id,
            before: 'allow',
            after: 'block',
            code: 'model_allowlist',
          },
          {
            request_id: events[1].data.request_id,
            before: 'allow',
            after: 'block',
            code: 'model_allowlist',
          },
        ]),
      );
      expect(report.body.data.not_simulated.map((s: { step: string }) => s.step)).toEqual(
        expect.arrayContaining(['pii_scan', 'content_safety', 'security_scan']),
      );
      expect(JSON.stringify(report.body)).not.toContain('key_test');
    });

    it('answers 403 to a viewer and 404 for a version of another org', async () => {
      const active = (await h.call('GET', '/api/v1/policies/active', org.ownerKey)).body.data;
      expect(
        (await h.call('POST', `/api/v1/policies/${active.id}/simulate`, viewerKey, {})).status,
      ).toBe(403);
      expect(
        (await h.call('POST', `/api/v1/policies/${active.id}/simulate`, other.ownerKey, {})).status,
      ).toBe(404);
    });
  });
});

describe('GET /docs-json — registry request bodies', () => {
  let h: RegistryHarness;
  beforeAll(async () => {
    h = await startRegistry('in-process');
  });
  afterAll(async () => {
    await h.stop();
    await h.schema.cleanup();
  });

  it('documents the JSON body of each write route from its zod schema', async () => {
    const res = await h.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/docs-json' });
    const paths = JSON.parse(res.body).paths;
    const body = (path: string, method: string) =>
      paths[path]?.[method]?.requestBody?.content?.['application/json']?.schema;
    expect(body('/governance/exceptions', 'post')).toMatchObject({
      properties: {
        kind: { enum: ['pii_pattern', 'model', 'content_category', 'provider'] },
        expires_at: expect.any(Object),
      },
    });
    expect(body('/gateway/admin/governance/policy', 'put')).toMatchObject({
      properties: { rate_limit_rpm: expect.any(Object) },
      additionalProperties: false,
    });
    for (const [path, method] of [
      ['/governance/policies', 'post'],
      ['/api/v1/policies', 'post'],
      ['/api/v1/policies/{id}/simulate', 'post'],
      ['/governance/keys', 'post'],
    ]) {
      expect([path, method, body(path, method) !== undefined]).toEqual([path, method, true]);
    }
  });
});
