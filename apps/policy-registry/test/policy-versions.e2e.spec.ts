import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { policyTopic, type EventOf } from '@llmgov/events';
import { canonicalBytes, PLAN_DEFAULTS, verifyVersion } from '@llmgov/policy-schema';
import { waitFor } from '@llmgov/testing';
import { OrgRepository, orgStream } from '../src/persistence/org-repository';
import { TenancyDirectory } from '@llmgov/service-kit';
import { givenOrg, startRegistry, type BusKind, type RegistryHarness } from './registry-app';

const signer = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { pub: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), privateKey };
};
const signOver = (
  v: {
    org_id: string;
    policy_id: string;
    policy_version: number;
    effective_date: string;
    document: unknown;
  },
  key: ReturnType<typeof signer>['privateKey'],
) => edSign(null, canonicalBytes(v), key).toString('base64');

describe.each<BusKind>(['in-process', 'kafka'])('settings and versions (%s bus)', (kind) => {
  let h: RegistryHarness;
  let key: string;
  let orgId: string;
  const published: EventOf<typeof policyTopic>[] = [];
  beforeAll(async () => {
    h = await startRegistry(kind);
    await h.bus.subscribe({
      topic: policyTopic,
      group: 'test-observer',
      fromBeginning: true,
      handler: async (e) => void published.push(e),
    });
    ({ orgId, ownerKey: key } = await givenOrg(h, 'starter'));
  });
  afterAll(async () => {
    await h.stop();
    await h.schema.cleanup();
  });

  it('GET /gateway/admin/governance/policy answers the plan defaults', async () => {
    const res = await h.call('GET', '/gateway/admin/governance/policy', key);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: PLAN_DEFAULTS.starter,
      policy_version: 1,
      pending: null,
    });
  });

  it('PUT /gateway/admin/governance/policy is partial (the seed example)', async () => {
    const body = {
      rate_limit_rpm: 200,
      daily_budget_usd: 50.0,
      per_request_limit_usd: 2.0,
      pii_scanning_enabled: true,
      pii_action: 'block',
      hitl_cost_threshold_usd: 10.0,
    };
    const res = await h.call('PUT', '/gateway/admin/governance/policy', key, body);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ ...PLAN_DEFAULTS.starter, ...body });
    expect(
      (await h.call('GET', '/gateway/admin/governance/policy', key)).body.data.rate_limit_rpm,
    ).toBe(200);
  });

  it('PUT /gateway/admin/governance/policy names an unknown field and a wrong type (400)', async () => {
    const res = await h.call('PUT', '/gateway/admin/governance/policy', key, {
      rate_limit_rpm: 'fast',
      colour: 'red',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'colour',
      'rate_limit_rpm',
    ]);
  });

  it('GET /api/v1/policies/active is the newest version, and every version reached the bus as policy.published', async () => {
    const active = (await h.call('GET', '/api/v1/policies/active', key)).body.data;
    expect(active).toMatchObject({
      id: expect.stringMatching(/^pv_/),
      policy_id: expect.stringMatching(/^pdoc_/),
      policy_version: 2,
      status: 'active',
      digest: expect.stringMatching(/^sha256:/),
    });
    await waitFor(() =>
      expect(
        published.filter(
          (e) =>
            e.type === 'policy.published' &&
            e.data.version_id === active.id &&
            e.data.status === 'active',
        ),
      ).toHaveLength(1),
    );
    const event = published.find(
      (e) => e.type === 'policy.published' && e.data.version_id === active.id,
    )!;
    expect(verifyVersion(event.data as never)).toEqual({ ok: true });
  });

  it('POST /api/v1/policies with quorum 2 stays draft after one signature, activates after two; a forged one is 400', async () => {
    const alice = signer();
    const bob = signer();
    const aliceKey = (
      await h.call('POST', '/governance/keys', key, { kind: 'admin', role: 'admin', name: 'alice' })
    ).body.data.key;
    const bobKey = (
      await h.call('POST', '/governance/keys', key, { kind: 'admin', role: 'admin', name: 'bob' })
    ).body.data.key;
    expect(
      (
        await h.call('POST', '/api/v1/policies/signers', aliceKey, {
          signer: 'alice@example.com',
          public_key: alice.pub,
        })
      ).status,
    ).toBe(201);
    await h.call('POST', '/api/v1/policies/signers', bobKey, {
      signer: 'bob@example.com',
      public_key: bob.pub,
    });
    const draft = (
      await h.call('POST', '/api/v1/policies', key, {
        template: 'eu_bank',
        required_signers: 2,
        retention_days: 2000,
      })
    ).body.data;
    expect(draft).toMatchObject({
      status: 'draft',
      policy_version: 3,
      required_signers: 2,
      document: { deployer: { log_level: 'verbose', retention_days: 2000 } },
    });
    const content = { ...draft, org_id: orgId };

    const forged = await h.call('POST', `/api/v1/policies/${draft.id}/sign`, aliceKey, {
      signer: 'alice@example.com',
      signature: signOver(content, bob.privateKey),
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('invalid_signature');

    const one = await h.call('POST', `/api/v1/policies/${draft.id}/sign`, aliceKey, {
      signer: 'alice@example.com',
      signature: signOver(content, alice.privateKey),
    });
    expect(one.body.data).toMatchObject({
      status: 'draft',
      signatures: [{ signer: 'alice@example.com' }],
    });
    expect((await h.call('GET', '/api/v1/policies/active', key)).body.data.policy_version).toBe(2);

    const two = await h.call('POST', `/api/v1/policies/${draft.id}/sign`, bobKey, {
      signer: 'bob@example.com',
      signature: signOver(content, bob.privateKey),
    });
    expect(two.body.data.status).toBe('active');
    const active = (await h.call('GET', '/api/v1/policies/active', key)).body.data;
    expect(active).toMatchObject({ id: draft.id, digest: draft.digest });

    const history = (await h.call('GET', `/api/v1/policies/${draft.policy_id}/history`, key)).body
      .data;
    expect(
      history.map((v: { policy_version: number; status: string }) => [v.policy_version, v.status]),
    ).toEqual([
      [3, 'active'],
      [2, 'superseded'],
      [1, 'superseded'],
    ]);
    expect(
      history[0].signatures.map((s: { signer: string; signed_at: string }) => s.signer),
    ).toEqual(['alice@example.com', 'bob@example.com']);

    await waitFor(() => {
      const event = published.find(
        (e) =>
          e.type === 'policy.published' &&
          e.data.version_id === draft.id &&
          e.data.status === 'active',
      );
      expect(event && verifyVersion(event.data as never)).toEqual({ ok: true });
    });
  });

  it('GET /api/v1/policies/templates lists the five templates', async () => {
    const res = await h.call('GET', '/api/v1/policies/templates', key);
    expect(res.body.data.map((t: { name: string }) => t.name)).toEqual([
      'internal_productivity',
      'customer_support',
      'eu_bank',
      'healthcare',
      'law_enforcement',
    ]);
  });

  it('concurrent edits of one document never lose an update', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `concurrent-${i}`);
    const results = await Promise.all(
      names.map((name) =>
        h.call('POST', '/governance/policies', key, {
          name,
          policy_type: 'rate_limit',
          config: { requests_per_minute: 10 },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(names.map(() => 201));
    const listed = (await h.call('GET', '/governance/policies?type=rate_limit', key)).body.data.map(
      (r: { name: string }) => r.name,
    );
    expect(listed.sort()).toEqual([...names].sort());
  });

  it('concurrent edits through two replicas on one store never lose an update (optimistic concurrency)', async () => {
    const replica = await startRegistry(kind, { schema: h.schema, bootstrapKey: h.bootstrapKey });
    try {
      const names = Array.from({ length: 10 }, (_, i) => `replica-${i}`);
      const results = await Promise.all(
        names.map((name, i) =>
          (i % 2 ? replica : h).call('POST', '/governance/policies', key, {
            name,
            policy_type: 'block_provider',
            config: { provider: 'groq' },
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(names.map(() => 201));
      const listed = (
        await h.call('GET', '/governance/policies?type=block_provider', key)
      ).body.data.map((r: { name: string }) => r.name);
      expect(listed.sort()).toEqual([...names].sort());
      const versions = (await h.call('GET', '/api/v1/policies', key)).body.data.map(
        (v: { policy_version: number }) => v.policy_version,
      );
      expect(new Set(versions).size).toBe(versions.length);
    } finally {
      await replica.stop();
    }
  });

  it('DELETE /governance/keys/:id revokes at once (key.revoked) and the read models rebuilt from the store equal the live ones', async () => {
    const viewer = (
      await h.call('POST', '/governance/keys', key, { kind: 'admin', role: 'viewer' })
    ).body.data;
    expect((await h.call('GET', '/governance/policies', viewer.key)).status).toBe(200);
    expect((await h.call('DELETE', `/governance/keys/${viewer.id}`, key)).body.data.status).toBe(
      'revoked',
    );
    expect((await h.call('GET', '/governance/policies', viewer.key)).status).toBe(401);
    expect(JSON.stringify((await h.call('GET', '/governance/keys', key)).body)).not.toContain(
      viewer.key,
    );

    const repo = h.app.get(OrgRepository);
    const rebuilt = await repo.rebuildDirectory(new TenancyDirectory());
    const live = h.app.get(TenancyDirectory, { strict: false });
    expect([...rebuilt.keys()]).toEqual([...live.keys()]);
    expect(rebuilt.findBySecret(viewer.key)).toBeUndefined();
    expect((await repo.rebuildOrgs()).get(orgStream(orgId))).toEqual(
      await repo.load(orgStream(orgId)),
    );
  });
});
