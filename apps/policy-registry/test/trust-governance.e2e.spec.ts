import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { canonicalBytes } from '@llmgov/policy-schema';
import { givenOrg, startRegistry, type BusKind, type RegistryHarness } from './registry-app';

const keyPair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { pub: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), privateKey };
};
type KeyPair = ReturnType<typeof keyPair>;
const signVersion = (
  v: {
    org_id: string;
    policy_id: string;
    policy_version: number;
    effective_date: string;
    document: unknown;
  },
  k: KeyPair,
) => edSign(null, canonicalBytes(v), k.privateKey).toString('base64');
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

/** Issue 17, items 13, 14, 16 and the registry's part of 17: governance that holds against one admin. */
describe.each<BusKind>(['in-process', 'kafka'])('registry trust (%s bus)', (kind) => {
  let h: RegistryHarness;
  beforeAll(async () => {
    h = await startRegistry(kind);
  });
  afterAll(async () => {
    await h.stop();
    await h.schema.cleanup();
  });

  const adminKey = async (ownerKey: string, role = 'admin') =>
    (await h.call('POST', '/governance/keys', ownerKey, { kind: 'admin', role })).body.data
      .key as string;
  const registerSigner = (key: string, signer: string, k: KeyPair) =>
    h.call('POST', '/api/v1/policies/signers', key, { signer, public_key: k.pub });
  const signAs = async (key: string, signer: string, k: KeyPair, versionId: string) => {
    const v = (await h.call('GET', `/api/v1/policies/${versionId}`, key)).body.data;
    return h.call('POST', `/api/v1/policies/${versionId}/sign`, key, {
      signer,
      signature: signVersion(v, k),
    });
  };

  /** An org whose active version needs 2 signers, alice (admin A) and bob (admin B). */
  async function quorumOrg() {
    const org = await givenOrg(h, 'growth');
    const [a, b] = [await adminKey(org.ownerKey), await adminKey(org.ownerKey)];
    const [alice, bob] = [keyPair(), keyPair()];
    await registerSigner(a, 'alice', alice);
    await registerSigner(b, 'bob', bob);
    const draft = (await h.call('POST', '/api/v1/policies', a, { required_signers: 2 })).body.data;
    await signAs(a, 'alice', alice, draft.id);
    expect((await signAs(b, 'bob', bob, draft.id)).body.data.status).toBe('active');
    return { ...org, a, b, alice, bob };
  }

  describe('13 — the signer quorum is tied to people', () => {
    it('POST /api/v1/policies/:id/sign: one admin cannot activate a quorum-2 version with two signer names of its own', async () => {
      const { ownerKey } = await givenOrg(h, 'growth');
      const mallory = await adminKey(ownerKey);
      const [k1, k2] = [keyPair(), keyPair()];
      expect((await registerSigner(mallory, 'alice@example.com', k1)).status).toBe(201);
      expect((await registerSigner(mallory, 'bob@example.com', k2)).status).toBe(201);
      const draft = (await h.call('POST', '/api/v1/policies', mallory, { required_signers: 2 }))
        .body.data;
      expect((await signAs(mallory, 'alice@example.com', k1, draft.id)).status).toBe(200);
      const second = await signAs(mallory, 'bob@example.com', k2, draft.id);
      expect([second.status, second.body.error?.code]).toEqual([409, 'already_signed']);
      expect((await h.call('GET', `/api/v1/policies/${draft.id}`, ownerKey)).body.data.status).toBe(
        'draft',
      );
    });

    it("POST /api/v1/policies/:id/sign: another admin's signer cannot be signed as (403) nor taken (409)", async () => {
      const { ownerKey } = await givenOrg(h, 'growth');
      const [a, b] = [await adminKey(ownerKey), await adminKey(ownerKey)];
      const alice = keyPair();
      expect((await registerSigner(a, 'alice', alice)).body.data).toMatchObject({
        status: 'active',
        registered_by: { kind: 'admin_key' },
      });
      const taken = await registerSigner(b, 'alice', keyPair());
      expect([taken.status, taken.body.error.code]).toEqual([409, 'signer_taken']);
      const draft = (await h.call('POST', '/api/v1/policies', a, { required_signers: 1 })).body
        .data;
      const forged = await signAs(b, 'alice', alice, draft.id); // even holding alice's private key
      expect([forged.status, forged.body.error.code]).toEqual([403, 'not_your_signer']);
      expect((await h.call('GET', `/api/v1/policies/${draft.id}`, ownerKey)).body.data.status).toBe(
        'draft',
      );
    });

    it('POST /api/v1/policies/signers under a quorum: the new signer is pending and cannot sign until other principals approve it', async () => {
      const org = await quorumOrg();
      const c = await adminKey(org.ownerKey);
      const carol = keyPair();
      const pending = (await registerSigner(c, 'carol', carol)).body.data;
      expect(pending).toMatchObject({
        status: 'pending',
        required_approvals: 2,
        approval_payload: expect.any(String),
      });
      const draft = (await h.call('POST', '/api/v1/policies', c, { retention_days: 400 })).body
        .data;
      expect((await signAs(c, 'carol', carol, draft.id)).body.error.code).toBe('signer_pending');

      const approve = (key: string, approver: string, k: KeyPair) =>
        h.call('POST', `/api/v1/policies/signers/${pending.signer_key_id}/approve`, key, {
          approver,
          signature: edSign(
            null,
            Buffer.from(pending.approval_payload, 'base64'),
            k.privateKey,
          ).toString('base64'),
        });
      expect((await approve(c, 'carol', carol)).status).toBe(403);
      expect((await approve(org.a, 'alice', org.alice)).body.data).toMatchObject({
        status: 'pending',
        approvals: [{ approver: 'alice' }],
      });
      expect((await approve(org.b, 'bob', org.bob)).body.data.status).toBe('active');
      expect((await signAs(c, 'carol', carol, draft.id)).status).toBe(200);
    });
  });

  describe('14 — drafts do not look live', () => {
    it('PUT /gateway/admin/governance/policy under a quorum answers 202 with the draft; GET shows in force and pending apart', async () => {
      const org = await quorumOrg();
      const before = (await h.call('GET', '/gateway/admin/governance/policy', org.ownerKey)).body;
      const put = await h.call('PUT', '/gateway/admin/governance/policy', org.a, {
        rate_limit_rpm: 7,
      });
      expect(put.status).toBe(202);
      expect(put.body.data).toMatchObject({
        status: 'draft',
        version_id: expect.stringMatching(/^pv_/),
        required_signers: 2,
        settings: { rate_limit_rpm: 7 },
      });
      const got = (await h.call('GET', '/gateway/admin/governance/policy', org.ownerKey)).body;
      expect(got.data.rate_limit_rpm).toBe(before.data.rate_limit_rpm);
      expect(got.policy_version).toBe(before.policy_version);
      expect(got.pending).toMatchObject({
        version_id: put.body.data.version_id,
        status: 'draft',
        settings: { rate_limit_rpm: 7 },
      });

      await signAs(org.a, 'alice', org.alice, put.body.data.version_id);
      await signAs(org.b, 'bob', org.bob, put.body.data.version_id);
      const after = (await h.call('GET', '/gateway/admin/governance/policy', org.ownerKey)).body;
      expect([after.data.rate_limit_rpm, after.pending]).toEqual([7, null]);
    });

    it('POST /governance/exceptions on a draft answers status pending, not active, until the draft is signed', async () => {
      const org = await quorumOrg();
      const created = await h.call('POST', '/governance/exceptions', org.a, {
        kind: 'pii_pattern',
        target: 'email',
        scope: 'org',
        reason: 'CRM import',
        expires_at: inDays(3),
      });
      expect(created.body.data.status).toBe('pending');
      expect(
        (await h.call('GET', '/governance/exceptions', org.a)).body.data.map(
          (e: { status: string }) => e.status,
        ),
      ).toEqual(['pending']);
      const rule = await h.call('POST', '/governance/policies', org.a, {
        name: 'r',
        policy_type: 'rate_limit',
        config: { requests_per_minute: 3 },
      });
      expect(rule.body.data.version_status).toBe('draft');
      const head = (await h.call('GET', '/api/v1/policies', org.a)).body.data[0];
      await signAs(org.a, 'alice', org.alice, head.id);
      await signAs(org.b, 'bob', org.bob, head.id);
      expect(
        (await h.call('GET', '/governance/exceptions', org.a)).body.data.map(
          (e: { status: string }) => e.status,
        ),
      ).toEqual(['active']);
    });
  });

  describe('16 — owner keys', () => {
    it('DELETE /governance/keys/:id: an admin cannot revoke an owner key; the last owner key cannot be revoked', async () => {
      const { ownerKey } = await givenOrg(h, 'starter');
      const admin = await adminKey(ownerKey);
      const keys = (await h.call('GET', '/governance/keys', ownerKey)).body.data as {
        id: string;
        role: string;
      }[];
      const ownerId = keys.find((k) => k.role === 'owner')!.id;
      const byAdmin = await h.call('DELETE', `/governance/keys/${ownerId}`, admin);
      expect([byAdmin.status, byAdmin.body.error.code]).toEqual([403, 'insufficient_role']);
      const last = await h.call('DELETE', `/governance/keys/${ownerId}`, ownerKey);
      expect([last.status, last.body.error.code]).toEqual([409, 'last_owner_key']);
      expect((await h.call('GET', '/governance/keys', ownerKey)).status).toBe(200);

      const second = (
        await h.call('POST', '/governance/keys', ownerKey, { kind: 'admin', role: 'owner' })
      ).body.data;
      expect(
        (await h.call('DELETE', `/governance/keys/${ownerId}`, second.key)).body.data.status,
      ).toBe('revoked');
      expect((await h.call('DELETE', `/governance/keys/${second.id}`, second.key)).status).toBe(
        409,
      );
    });
  });

  describe('17 — filters and tenancy', () => {
    it('GET /governance/policies?policy_type= filters the rules like ?type=', async () => {
      const { ownerKey } = await givenOrg(h, 'starter');
      await h.call('POST', '/governance/policies', ownerKey, {
        name: 'a',
        policy_type: 'rate_limit',
        config: { requests_per_minute: 5 },
      });
      await h.call('POST', '/governance/policies', ownerKey, {
        name: 'b',
        policy_type: 'block_provider',
        config: { provider: 'groq' },
      });
      const res = await h.call('GET', '/governance/policies?policy_type=block_provider', ownerKey);
      expect([res.status, res.body.data.map((r: { name: string }) => r.name)]).toEqual([
        200,
        ['b'],
      ]);
    });

    it("an org admin naming another org's org_id gets 404, not its own org", async () => {
      const own = await givenOrg(h, 'starter', 'Own');
      const other = await givenOrg(h, 'starter', 'Other');
      for (const url of [
        '/governance/teams',
        '/governance/keys',
        '/gateway/admin/governance/policy',
        '/api/v1/policies',
        '/governance/policies',
      ]) {
        const res = await h.call('GET', `${url}?org_id=${other.orgId}`, own.ownerKey);
        expect([url, res.status]).toEqual([url, 404]);
        expect((await h.call('GET', `${url}?org_id=${own.orgId}`, own.ownerKey)).status).toBe(200);
      }
      const team = await h.call('POST', '/governance/teams', own.ownerKey, {
        name: 't',
        org_id: other.orgId,
      });
      expect(team.status).toBe(404);
      expect((await h.call('GET', '/governance/teams', own.ownerKey)).body.data).toEqual([]);
    });
  });
});
