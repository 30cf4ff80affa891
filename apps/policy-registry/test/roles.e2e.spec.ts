import { givenOrg, startRegistry, type RegistryHarness } from './registry-app';

type Role = 'owner' | 'admin' | 'reviewer' | 'viewer';
const ROLES: Role[] = ['owner', 'admin', 'reviewer', 'viewer'];

/**
 * Every admin route × role × own/other org. Reads: any role of the org. Writes: owner and
 * admin. Another org's objects: 404 (or the caller's own org when the route names none).
 */
describe('admin routes — roles and tenancy', () => {
  let h: RegistryHarness;
  let own: { orgId: string; ownerKey: string };
  let other: { orgId: string; ownerKey: string };
  const keys = {} as Record<Role, string>;
  let ownRule: string;
  let otherRule: string;
  let otherKeyId: string;
  let otherVersion: string;

  beforeAll(async () => {
    h = await startRegistry('in-process');
    own = await givenOrg(h, 'growth', 'Own');
    other = await givenOrg(h, 'growth', 'Other');
    keys.owner = own.ownerKey;
    for (const role of ROLES.slice(1))
      keys[role] = (
        await h.call('POST', '/governance/keys', own.ownerKey, { kind: 'admin', role })
      ).body.data.key;
    const rule = { name: 'r', policy_type: 'rate_limit', config: { requests_per_minute: 5 } };
    ownRule = (await h.call('POST', '/governance/policies', own.ownerKey, rule)).body.data.id;
    otherRule = (await h.call('POST', '/governance/policies', other.ownerKey, rule)).body.data.id;
    otherKeyId = (await h.call('POST', '/governance/keys', other.ownerKey, { kind: 'gateway' }))
      .body.data.id;
    otherVersion = (await h.call('GET', '/api/v1/policies/active', other.ownerKey)).body.data.id;
  });
  afterAll(async () => {
    await h.stop();
    await h.schema.cleanup();
  });

  const reads = () =>
    [
      ['GET', '/governance/teams'],
      ['GET', '/governance/agents'],
      ['GET', '/governance/keys'],
      ['GET', '/governance/policies'],
      ['GET', `/governance/policies/${ownRule}`],
      ['GET', '/gateway/admin/governance/policy'],
      ['GET', '/api/v1/policies'],
      ['GET', '/api/v1/policies/active'],
      ['GET', '/api/v1/policies/templates'],
      ['GET', '/api/v1/policies/signers'],
      ['GET', '/governance/compliance'],
      ['GET', '/governance/compliance/remediations'],
    ] as const;
  const writes = (): [string, string, unknown][] => [
    ['POST', '/governance/teams', { name: 't' }],
    ['POST', '/governance/agents', { name: 'a', environment: 'staging' }],
    ['POST', '/governance/keys', { kind: 'gateway' }],
    [
      'POST',
      '/governance/policies',
      { name: 'r', policy_type: 'block_provider', config: { provider: 'groq' } },
    ],
    ['PATCH', `/governance/policies/${ownRule}`, { name: 'renamed' }],
    ['PUT', '/gateway/admin/governance/policy', { key_rpm: 30 }],
    ['POST', '/api/v1/policies', { log_level: 'verbose' }],
    [
      'POST',
      '/governance/compliance/remediations/art26_deployer_obligations/apply?dry_run=true',
      undefined,
    ],
  ];

  it.each(ROLES)('every read route answers 200 to a %s of the org', async (role) => {
    for (const [method, url] of reads())
      expect([method, url, (await h.call(method, url, keys[role])).status]).toEqual([
        method,
        url,
        200,
      ]);
  });

  it.each(ROLES)(
    'write routes answer 2xx to owner/admin and 403 to a %s otherwise',
    async (role) => {
      const allowed = role === 'owner' || role === 'admin';
      for (const [method, url, body] of writes()) {
        const status = (await h.call(method, url, keys[role], body)).status;
        expect([method, url, allowed ? status < 300 : status]).toEqual([
          method,
          url,
          allowed ? true : 403,
        ]);
      }
    },
  );

  it('only the platform owner creates orgs', async () => {
    for (const role of ROLES)
      expect(
        (await h.call('POST', '/governance/orgs', keys[role], { name: 'x', plan: 'free' })).status,
      ).toBe(403);
    expect(
      (await h.call('POST', '/governance/orgs', h.bootstrapKey, { name: 'x', plan: 'free' }))
        .status,
    ).toBe(201);
  });

  it('an admin cannot issue an owner key; an owner can', async () => {
    expect(
      (await h.call('POST', '/governance/keys', keys.admin, { kind: 'admin', role: 'owner' }))
        .status,
    ).toBe(403);
    expect(
      (await h.call('POST', '/governance/keys', keys.owner, { kind: 'admin', role: 'owner' }))
        .status,
    ).toBe(201);
  });

  it.each(ROLES)("another org's objects answer 404 to a %s", async (role) => {
    const cases: [string, string, unknown?][] = [
      ['GET', `/governance/policies/${otherRule}`],
      ['GET', `/api/v1/policies/${otherVersion}`],
      ['GET', `/api/v1/policies/${otherVersion}/history`],
    ];
    if (role === 'owner' || role === 'admin') {
      cases.push(
        ['PATCH', `/governance/policies/${otherRule}`, { enabled: false }],
        ['DELETE', `/governance/policies/${otherRule}`],
        ['DELETE', `/governance/keys/${otherKeyId}`],
        ['POST', `/api/v1/policies/${otherVersion}/sign`, { signer: 'a@b.c', signature: 'x' }],
      );
    }
    for (const [method, url, body] of cases)
      expect([method, url, (await h.call(method, url, keys[role], body)).status]).toEqual([
        method,
        url,
        404,
      ]);
    const otherKeys = (await h.call('GET', '/governance/keys', other.ownerKey)).body.data;
    expect(otherKeys.find((k: { id: string }) => k.id === otherKeyId).revoked_at).toBeNull();
  });

  it('without credentials every route answers 401', async () => {
    for (const [method, url] of reads())
      expect((await h.call(method, url, 'msh_not_a_key')).status).toBe(401);
  });
});
