import { givenOrg, startRegistry, type BusKind, type RegistryHarness } from './registry-app';

/** Every curl example of seed 000 (typed policies), adapted in host and key. */
describe.each<BusKind>(['in-process', 'kafka'])(
  '/governance/policies — seed examples (%s bus)',
  (kind) => {
    let h: RegistryHarness;
    let key: string;
    let agentId: string;
    beforeAll(async () => {
      h = await startRegistry(kind);
      ({ ownerKey: key } = await givenOrg(h));
      agentId = (
        await h.call('POST', '/governance/agents', key, {
          name: 'support-bot',
          environment: 'production',
        })
      ).body.data.id;
    });
    afterAll(async () => {
      await h.stop();
      await h.schema.cleanup();
    });

    it('POST /governance/policies creates a model allowlist as documented', async () => {
      const res = await h.call('POST', '/governance/policies', key, {
        name: 'production-model-allowlist',
        description: 'Only approved models in production',
        policy_type: 'model_allowlist',
        config: { allowed_models: ['gpt-4o', 'claude-sonnet-4-20250514', 'gemini-2.0-flash'] },
        scope: 'global',
        enabled: true,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        success: true,
        data: {
          id: expect.stringMatching(/^pol_/),
          name: 'production-model-allowlist',
          policy_type: 'model_allowlist',
          config: { allowed_models: ['gpt-4o', 'claude-sonnet-4-20250514', 'gemini-2.0-flash'] },
          scope: 'global',
          enabled: true,
          created_at: expect.any(String),
        },
      });
    });

    it.each([
      [
        'block a provider',
        {
          name: 'block-openai',
          policy_type: 'block_provider',
          config: { provider: 'openai' },
          scope: 'global',
          enabled: true,
        },
      ],
      [
        'require approval',
        {
          name: 'production-approval',
          policy_type: 'require_approval',
          config: { environment: 'production' },
          scope: 'global',
          enabled: true,
        },
      ],
      [
        'rate limit',
        {
          name: 'api-rate-limit',
          policy_type: 'rate_limit',
          config: { requests_per_minute: 60 },
          scope: 'global',
          enabled: true,
        },
      ],
    ])('POST /governance/policies: %s', async (_, body) => {
      const res = await h.call('POST', '/governance/policies', key, body);
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject(body);
    });

    it.each([
      [
        'budget limit',
        {
          name: 'agent-budget-cap',
          policy_type: 'budget_limit',
          config: { monthly_limit_usd: 500 },
          scope: 'agent',
          enabled: true,
        },
      ],
      [
        'human review',
        {
          name: 'high-risk-review',
          policy_type: 'require_human_review',
          config: { review_interval_days: 7 },
          scope: 'agent',
          enabled: true,
        },
      ],
    ])('POST /governance/policies: %s scoped to an agent', async (_, body) => {
      const res = await h.call('POST', '/governance/policies', key, { ...body, agent_id: agentId });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({ ...body, agent_id: agentId });
    });

    it('POST /governance/policies with an agent of no org answers 400 naming agent_id', async () => {
      const res = await h.call('POST', '/governance/policies', key, {
        name: 'x',
        policy_type: 'budget_limit',
        config: { monthly_limit_usd: 500 },
        scope: 'agent',
        agent_id: 'agt_abc123',
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        success: false,
        error: { fields: [{ field: 'agent_id' }] },
      });
    });

    it('GET /governance/policies lists them, filtered by type and agent', async () => {
      const all = await h.call('GET', '/governance/policies', key);
      expect(all.status).toBe(200);
      expect(all.body.data.map((r: { name: string }) => r.name).sort()).toEqual([
        'agent-budget-cap',
        'api-rate-limit',
        'block-openai',
        'high-risk-review',
        'production-approval',
        'production-model-allowlist',
      ]);
      const budget = await h.call(
        'GET',
        `/governance/policies?type=budget_limit&agent_id=${agentId}`,
        key,
      );
      expect(budget.body.data.map((r: { name: string }) => r.name)).toEqual(['agent-budget-cap']);
    });

    it('PATCH /governance/policies/:id disables one; DELETE removes it', async () => {
      const [rule] = (await h.call('GET', '/governance/policies?type=rate_limit', key)).body.data;
      const patched = await h.call('PATCH', `/governance/policies/${rule.id}`, key, {
        enabled: false,
      });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toMatchObject({
        id: rule.id,
        enabled: false,
        config: { requests_per_minute: 60 },
      });
      expect((await h.call('GET', `/governance/policies/${rule.id}`, key)).body.data.enabled).toBe(
        false,
      );
      const deleted = await h.call('DELETE', `/governance/policies/${rule.id}`, key);
      expect(deleted.status).toBe(200);
      expect((await h.call('GET', `/governance/policies/${rule.id}`, key)).status).toBe(404);
    });

    it('POST /governance/policies refuses an unknown policy_type and a negative limit, naming the fields', async () => {
      const unknown = await h.call('POST', '/governance/policies', key, {
        name: 'x',
        policy_type: 'teleport',
        config: {},
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.fields.map((f: { field: string }) => f.field)).toEqual([
        'policy_type',
      ]);
      const negative = await h.call('POST', '/governance/policies', key, {
        name: 'x',
        policy_type: 'budget_limit',
        config: { monthly_limit_usd: -1 },
      });
      expect(negative.body.error.fields.map((f: { field: string }) => f.field)).toEqual([
        'config.monthly_limit_usd',
      ]);
    });
  },
);
