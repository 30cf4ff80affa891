import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { policyTopic, type EventOf } from '@llmgov/events';
import { COMPLIANCE_MODEL_VERSION } from '@llmgov/compliance';
import { canonicalBytes } from '@llmgov/policy-schema';
import { waitFor } from '@llmgov/testing';
import { givenOrg, startRegistry, type RegistryHarness } from './registry-app';

type Applied = Extract<EventOf<typeof policyTopic>, { type: 'compliance.remediation.applied' }>;

describe('EU AI Act compliance routes (registry, real Postgres)', () => {
  let h: RegistryHarness;
  let org: { orgId: string; ownerKey: string };
  let viewer: string;
  const applied: Applied[] = [];

  beforeAll(async () => {
    h = await startRegistry('in-process');
    await h.bus.subscribe({
      topic: policyTopic,
      group: 'test-compliance',
      fromBeginning: true,
      handler: async (e) => void (e.type === 'compliance.remediation.applied' && applied.push(e)),
    });
    org = await givenOrg(h, 'starter');
    viewer = (
      await h.call('POST', '/governance/keys', org.ownerKey, { kind: 'admin', role: 'viewer' })
    ).body.data.key;
  });
  afterAll(async () => {
    await h.stop();
    await h.schema.cleanup();
  });

  type Check = {
    id: string;
    status: string;
    evidence: Array<{ source: string; met: boolean | null }>;
  };
  const check = (body: { data: { checks: Check[] } }, id: string) =>
    body.data.checks.find((c) => c.id === id)!;
  const version = async () =>
    (await h.call('GET', '/api/v1/policies/active', org.ownerKey)).body.data;

  it(
    'GET /governance/compliance scores a fresh org: Art. 5 passes by default, the ' +
      'quorum is missing, unknown facts are reported',
    async () => {
      const res = await h.call('GET', '/governance/compliance', viewer);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        org_id: org.orgId,
        model_version: COMPLIANCE_MODEL_VERSION,
        policy_version: 1,
        score: expect.any(Number),
      });
      expect(check(res.body, 'art5_prohibited_practices').status).toBe('pass');
      expect(check(res.body, 'art26_deployer_obligations')).toMatchObject({
        status: 'partial',
        evidence: expect.arrayContaining([
          expect.objectContaining({ source: 'deployer.required_signers', met: false }),
        ]),
      });
      expect(check(res.body, 'art12_record_keeping').evidence).toContainEqual(
        expect.objectContaining({ source: 'facts.audit.chain_verified', met: null }),
      );
      expect(res.body.data.score).toBeLessThan(100);
    },
  );

  it(
    'GET /governance/compliance/remediations lists each fixable check with a ' +
      'diff and the score it would reach',
    async () => {
      const res = await h.call('GET', '/governance/compliance/remediations', viewer);
      expect(res.status).toBe(200);
      const art26 = res.body.data.find(
        (r: { id: string }) => r.id === 'art26_deployer_obligations',
      );
      expect(art26).toMatchObject({
        article: 'Art. 26',
        diff: [{ path: 'deployer.required_signers', before: 0, after: 1 }],
        status_after: 'pass',
      });
      expect(art26.score_after).toBeGreaterThan(art26.score_before);
    },
  );

  it('POST …/apply?dry_run=true answers the diff and changes nothing', async () => {
    await h.call('POST', '/api/v1/policies', org.ownerKey, { retention_days: 30 });
    const before = await version();
    const res = await h.call(
      'POST',
      '/governance/compliance/remediations/art12_record_keeping/apply?dry_run=true',
      org.ownerKey,
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      dry_run: true,
      diff: [{ path: 'deployer.retention_days', before: 30, after: 183 }],
    });
    expect((await version()).policy_version).toBe(before.policy_version);
  });

  it(
    'POST …/apply makes a new active version that passes the check, and publishes ' +
      'compliance.remediation.applied with actor and check',
    async () => {
      const before = await version();
      const res = await h.call(
        'POST',
        '/governance/compliance/remediations/art12_record_keeping/apply',
        org.ownerKey,
      );
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        dry_run: false,
        check_id: 'art12_record_keeping',
        version: {
          policy_version: before.policy_version + 1,
          status: 'active',
          change: { kind: 'compliance_remediation' },
        },
      });
      const after = await h.call('GET', '/governance/compliance', org.ownerKey);
      expect(check(after.body, 'art12_record_keeping').status).toBe('pass');
      const full = (
        await h.call('GET', `/api/v1/policies/${res.body.data.version.id}`, org.ownerKey)
      ).body.data.document;
      expect(full.deployer.retention_days).toBe(183);
      expect({ ...full.deployer, retention_days: 30 }).toEqual(
        (await h.call('GET', `/api/v1/policies/${before.id}`, org.ownerKey)).body.data.document
          .deployer,
      );

      const event = await waitFor(() => {
        const found = applied.find((e) => e.data.version_id === res.body.data.version.id);
        expect(found).toBeDefined();
        return found!;
      });
      expect(event.data).toMatchObject({
        org_id: org.orgId,
        check_id: 'art12_record_keeping',
        article: 'Art. 12',
        status: 'active',
        actor: { kind: 'admin_key' },
        model_version: COMPLIANCE_MODEL_VERSION,
      });
    },
  );

  it('POST …/apply under a signer quorum makes a draft; the active version stays until it is signed', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    await h.call('POST', '/api/v1/policies/signers', org.ownerKey, {
      signer: 'alice@example.com',
      public_key: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    });
    const draft = (
      await h.call('POST', '/api/v1/policies', org.ownerKey, {
        required_signers: 1,
        log_level: 'minimal',
      })
    ).body.data;
    const full = (await h.call('GET', `/api/v1/policies/${draft.id}`, org.ownerKey)).body.data;
    const signature = edSign(
      null,
      canonicalBytes({
        org_id: org.orgId,
        policy_id: full.policy_id,
        policy_version: full.policy_version,
        effective_date: full.effective_date,
        document: full.document,
      }),
      privateKey,
    ).toString('base64');
    expect(
      (
        await h.call('POST', `/api/v1/policies/${draft.id}/sign`, org.ownerKey, {
          signer: 'alice@example.com',
          signature,
        })
      ).body.data.status,
    ).toBe('active');

    const res = await h.call(
      'POST',
      '/governance/compliance/remediations/art13_transparency/apply',
      org.ownerKey,
    );
    expect(res.status).toBe(200);
    expect(res.body.data.version).toMatchObject({ status: 'draft', required_signers: 1 });
    expect((await version()).id).toBe(draft.id);
    await waitFor(() =>
      expect(applied.find((e) => e.data.version_id === res.body.data.version.id)?.data.status).toBe(
        'draft',
      ),
    );
  });

  it('POST …/apply: viewer 403, unknown check 404, nothing to fix 409, bad dry_run 400 naming the field', async () => {
    expect(
      (
        await h.call(
          'POST',
          '/governance/compliance/remediations/art26_deployer_obligations/apply',
          viewer,
        )
      ).status,
    ).toBe(403);
    const unknown = await h.call(
      'POST',
      '/governance/compliance/remediations/art99_nothing/apply',
      org.ownerKey,
    );
    expect(unknown.status).toBe(404);
    const passing = await h.call(
      'POST',
      '/governance/compliance/remediations/art5_prohibited_practices/apply',
      org.ownerKey,
    );
    expect(passing).toMatchObject({
      status: 409,
      body: { error: { code: 'nothing_to_remediate' } },
    });
    const bad = await h.call(
      'POST',
      '/governance/compliance/remediations/art12_record_keeping/apply?dry_run=yes',
      org.ownerKey,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['dry_run']);
  });
});
