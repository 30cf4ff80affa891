import { waitFor } from '@llmgov/testing';
import { useEmbedded } from '../harness/embedded';
import { startDistributed, type Distributed } from '../harness/distributed';
import { OrgAdmin, call } from '../harness/admin';

/** Base URLs of the services under test: one for the embedded mode, one each when distributed. */
interface Urls {
  registry: string;
  ledger: string;
  approvals: string;
  audit: string;
  bootstrapKey: string;
}

const NUL = '%00';
/** 10^21: `Number()` spells it `1e+21`, which no SQL integer parser takes. */
const HUGE = `1${'0'.repeat(21)}`;

/**
 * Issue 17: NUL bytes and numbers ≥ 1e21 in ids, query parameters and bodies of the audit,
 * approval, budget and registry routes answer a 4xx naming the field, never a 500.
 */
function hostileInputSuite(urls: () => Urls) {
  let owner: OrgAdmin;
  let gatewayKey: string;

  beforeAll(async () => {
    const u = urls();
    owner = await OrgAdmin.create(u.registry, u.bootstrapKey, { name: 'Hostile Inc' });
    gatewayKey = (await owner.key({ kind: 'gateway' })).key;
    // The audit service must know the org's keys before it authenticates them.
    await waitFor(
      async () =>
        expect((await call(`${u.audit}/audit/events`, { key: owner.org.ownerKey })).status).toBe(
          200,
        ),
      { timeoutMs: 20_000 },
    );
    await waitFor(
      async () =>
        expect((await call(`${u.approvals}/approvals`, { key: owner.org.ownerKey })).status).toBe(
          200,
        ),
      { timeoutMs: 20_000 },
    );
    await waitFor(
      async () =>
        expect((await call(`${u.ledger}/budgets/status`, { key: owner.org.ownerKey })).status).toBe(
          200,
        ),
      { timeoutMs: 20_000 },
    );
  }, 60_000);

  type Case = [string, 'owner' | 'platform' | 'gateway', string, string, unknown?];
  const cases = (): Case[] => {
    const { audit, approvals, ledger, registry } = urls();
    return [
      ['GET', 'owner', `${audit}/audit/events/evt${NUL}x`, 'id'],
      ...['type', 'agent_id', 'key_id', 'model', 'step', 'code', 'actor', 'request_id'].map(
        (f): Case => ['GET', 'owner', `${audit}/audit/events?${f}=a${NUL}b`, f],
      ),
      ['GET', 'platform', `${audit}/audit/events?org_id=org${NUL}`, 'org_id'],
      ['GET', 'owner', `${audit}/audit/events?cursor=${HUGE}`, 'cursor'],
      ['GET', 'owner', `${audit}/audit/events?policy_version=${HUGE}`, 'policy_version'],
      ['GET', 'owner', `${audit}/audit/verify?from=${HUGE}`, 'from'],
      ['GET', 'owner', `${audit}/audit/verify?to=${HUGE}`, 'to'],
      ['GET', 'owner', `${audit}/audit/export?from=${HUGE}`, 'from'],
      ['GET', 'platform', `${audit}/audit/verify?org_id=org${NUL}`, 'org_id'],
      ['GET', 'owner', `${approvals}/approvals/apr${NUL}x`, 'id'],
      ['GET', 'gateway', `${approvals}/approvals/apr${NUL}x`, 'id'],
      ['POST', 'owner', `${approvals}/approvals/apr${NUL}x/approve`, 'id', {}],
      ['POST', 'owner', `${approvals}/approvals/apr${NUL}x/reject`, 'id', { reason: 'no' }],
      [
        'POST',
        'gateway',
        `${approvals}/approvals/apr${NUL}x/consume`,
        'id',
        { fingerprint: 'f', request_id: 'req_1' },
      ],
      [
        'POST',
        'gateway',
        `${approvals}/approvals/apr_x/consume`,
        'fingerprint',
        { fingerprint: 'f\u0000', request_id: 'req_1' },
      ],
      ['GET', 'owner', `${approvals}/approvals?agent_id=a${NUL}`, 'agent_id'],
      ['GET', 'owner', `${approvals}/approvals?cursor=${NUL}`, 'cursor'],
      ['GET', 'owner', `${approvals}/approvals?cursor=${HUGE}`, 'cursor'],
      ['GET', 'owner', `${approvals}/approvals?limit=${HUGE}`, 'limit'],
      ['GET', 'owner', `${approvals}/approvals/apr_x?wait=${HUGE}`, 'wait'],
      ['GET', 'platform', `${approvals}/approvals?org_id=org${NUL}`, 'org_id'],
      ['POST', 'owner', `${approvals}/governance/agents/agt${NUL}/reviews`, 'id', {}],
      ['GET', 'platform', `${ledger}/budgets/status?org_id=org${NUL}`, 'org_id'],
      ['GET', 'platform', `${ledger}/budgets/spend?group_by=org&org_id=org${NUL}`, 'org_id'],
      ['GET', 'platform', `${registry}/governance/teams?org_id=org${NUL}`, 'org_id'],
      ['GET', 'owner', `${registry}/api/v1/policies/pv${NUL}x`, 'id'],
      ['POST', 'owner', `${registry}/governance/teams`, 'name', { name: 'a\u0000b' }],
    ];
  };

  it('answers 4xx naming the field to NUL bytes and numbers ≥ 1e21 (never 500)', async () => {
    const keyOf = (who: Case[1]) =>
      who === 'owner' ? owner.org.ownerKey : who === 'platform' ? urls().bootstrapKey : gatewayKey;
    const seen: [string, string, number, string | undefined][] = [];
    for (const [method, who, url, field, body] of cases()) {
      const res = await call(url, { method, key: keyOf(who), body });
      const fields = JSON.stringify(res.body?.error?.fields ?? res.body?.error?.message ?? '');
      seen.push([method, url, res.status, fields.includes(field) ? field : fields]);
    }
    expect(seen).toEqual(cases().map(([method, , url, field]) => [method, url, 400, field]));
  }, 60_000);

  it("answers 404 to an org admin naming another org's org_id, never its own org's data", async () => {
    const u = urls();
    const other = await OrgAdmin.create(u.registry, u.bootstrapKey, { name: 'Other Inc' });
    const routes = [
      `${u.audit}/audit/events`,
      `${u.audit}/audit/verify`,
      `${u.ledger}/budgets/status`,
      `${u.ledger}/budgets/spend?group_by=org`,
      `${u.approvals}/approvals`,
      `${u.registry}/governance/teams`,
    ];
    const seen: [string, number][] = [];
    for (const url of routes) {
      const sep = url.includes('?') ? '&' : '?';
      seen.push([
        url,
        (await call(`${url}${sep}org_id=${other.orgId}`, { key: owner.org.ownerKey })).status,
      ]);
      expect(
        (await call(`${url}${sep}org_id=${owner.orgId}`, { key: owner.org.ownerKey })).status,
      ).toBe(200);
    }
    expect(seen).toEqual(routes.map((url) => [url, 404]));
  }, 60_000);
}

describe('hostile input — embedded mode', () => {
  const e = useEmbedded();
  hostileInputSuite(() => ({
    registry: e.base,
    ledger: e.base,
    approvals: e.base,
    audit: e.base,
    bootstrapKey: e.bootstrapKey,
  }));
});

describe('hostile input — distributed mode (Kafka + Postgres)', () => {
  let d: Distributed;
  beforeAll(async () => {
    d = await startDistributed({ gateways: 0 });
  }, 300_000);
  afterAll(async () => {
    await d?.close();
  }, 60_000);
  hostileInputSuite(() => ({
    registry: d.registry.url,
    ledger: d.ledger.url,
    approvals: d.approvals!.url,
    audit: d.audit!.url,
    bootstrapKey: d.bootstrapKey,
  }));
});
