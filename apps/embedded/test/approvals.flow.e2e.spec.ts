import { waitFor } from '@llmgov/testing';
import { OrgAdmin, admin, call, chat, type JsonResponse } from './harness/admin';
import { startDistributed, type Distributed } from './harness/distributed';
import { useEmbedded } from './harness/embedded';

/**
 * Human approval across services (issue 6): the gateway holds a request (202) and publishes
 * `approval.requested`; the approval workflow lists it; a reviewer decides through its routes;
 * the client's retry with `x-approval-id` is forwarded once, bound to the request's fingerprint.
 */

const request = (content: string) => ({
  model: 'mock/echo',
  messages: [{ role: 'user', content }],
});

interface Setup {
  gateway: string;
  approvals: string;
  org: OrgAdmin;
  agentKey: string;
  reviewerKey: string;
}

/** An org whose production agent needs approval for every request, with a reviewer key. */
async function approvalOrg(
  registry: string,
  bootstrapKey: string,
  gateway: string,
  approvals: string,
  settings: Record<string, unknown> = {},
): Promise<Setup> {
  const org = await OrgAdmin.create(registry, bootstrapKey);
  const agentId = await org.agent('deployer', 'production');
  const agentKey = (await org.key({ kind: 'gateway', agent_id: agentId, name: 'deployer-key' }))
    .key;
  const reviewerKey = (await org.key({ kind: 'admin', role: 'reviewer', name: 'carol' })).key;
  await org.rule('require_approval', { environment: 'production' });
  if (Object.keys(settings).length > 0) await org.settings(settings);
  await org.untilEnforced([gateway], agentKey);
  return { gateway, approvals, org, agentKey, reviewerKey };
}

/** Sends the request and expects it held: 202, the CONTRACT body and `x-approval-id`. */
async function held(s: Setup, body: Record<string, unknown>): Promise<string> {
  const res = await chat(s.gateway, s.agentKey, body);
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({
    approval_id: expect.stringMatching(/^apr_/),
    status: 'pending',
    expires_at: expect.any(String),
    poll_url: `/approvals/${res.body.approval_id}`,
  });
  expect(res.headers.get('x-approval-id')).toBe(res.body.approval_id);
  return res.body.approval_id;
}

/** Waits until the approval workflow has the approval (it arrives as `approval.requested`). */
const known = (s: Setup, id: string) =>
  waitFor(
    async () => {
      const res = await call(`${s.approvals}/approvals/${id}`, { key: s.reviewerKey });
      expect(res.status).toBe(200);
      return res.body.data;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );

const approve = async (s: Setup, id: string) => {
  await known(s, id);
  return admin(`${s.approvals}/approvals/${id}/approve`, s.reviewerKey, { reason: 'looks fine' });
};

const retry = (s: Setup, id: string, body: Record<string, unknown>) =>
  chat(s.gateway, s.agentKey, body, { 'x-approval-id': id });

const expectDenied = (res: JsonResponse) => {
  expect(res.status).toBe(403);
  expect(res.body.error).toMatchObject({ code: 'approval_denied', step: 'hitl_gate' });
};

describe('approvals across services — distributed (real Kafka, real Postgres)', () => {
  let cluster: Distributed;
  let s: Setup;

  beforeAll(async () => {
    cluster = await startDistributed({ audit: false });
    s = await approvalOrg(
      cluster.registry.url,
      cluster.bootstrapKey,
      cluster.gateways[0]!.url,
      cluster.approvals!.url,
    );
  }, 300_000);
  afterAll(() => cluster?.close());

  it('POST /v1/chat/completions → 202 pending; GET /approvals?status=pending lists it; approve; a retry before it 409 approval_pending; the retry gets 200 once, a second retry 403 approval_denied', async () => {
    const body = request('deploy release 42');
    const id = await held(s, body);

    const pending = await waitFor(
      async () => {
        const list = await call(`${s.approvals}/approvals?status=pending`, { key: s.reviewerKey });
        expect(list.status).toBe(200);
        const found = list.body.data.find(
          (a: { approval_id?: string; id?: string }) => (a.approval_id ?? a.id) === id,
        );
        expect(found).toBeDefined();
        return found;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(pending).toMatchObject({ status: 'pending', org_id: s.org.orgId });

    // Before the decision the retry is not forwarded: 409 approval_pending, as the approval service says.
    const early = await retry(s, id, body);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'approval_pending', step: 'hitl_gate' });

    const granted = await approve(s, id);
    expect(granted).toMatchObject({ status: 'granted' });

    const ok = await retry(s, id, body);
    expect(ok.status).toBe(200);
    expect(ok.body.choices[0].message.content).toBe('deploy release 42');

    expectDenied(await retry(s, id, body));
    expect((await known(s, id)).status).toBe('consumed');
  });

  it('POST /v1/chat/completions with x-approval-id and a changed body → 403 approval_denied; the approved body still passes', async () => {
    const body = request('rotate the keys');
    const id = await held(s, body);
    await approve(s, id);
    expectDenied(await retry(s, id, request('rotate the keys and drop the database')));
    expect((await retry(s, id, body)).status).toBe(200);
  });

  it('POST /approvals/:id/reject → the retry answers 403 approval_denied', async () => {
    const body = request('wire the funds');
    const id = await held(s, body);
    await known(s, id);
    const rejected = await admin(`${s.approvals}/approvals/${id}/reject`, s.reviewerKey, {
      reason: 'not today',
    });
    expect(rejected).toMatchObject({ status: 'rejected' });
    expectDenied(await retry(s, id, body));
  });

  it('two concurrent retries of a granted approval → exactly one 200, the other 403 approval_denied', async () => {
    const body = request('restart production');
    const id = await held(s, body);
    await approve(s, id);
    const answers = await Promise.all([retry(s, id, body), retry(s, id, body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 403]);
    expectDenied(answers.find((a) => a.status === 403)!);
  });

  it('an approval not decided before hitl_timeout_hours is expired, and its retry answers 403 approval_denied', async () => {
    // hitl_timeout_hours accepts any positive number: 0.0005 h = 1.8 s.
    const quick = await approvalOrg(
      cluster.registry.url,
      cluster.bootstrapKey,
      s.gateway,
      s.approvals,
      { hitl_timeout_hours: 0.0005 },
    );
    const body = request('scale to zero');
    const res = await chat(quick.gateway, quick.agentKey, body);
    expect(res.status).toBe(202);
    const id: string = res.body.approval_id;
    expect(Date.parse(res.body.expires_at) - Date.now()).toBeLessThanOrEqual(1_800);
    await waitFor(async () => expect((await known(quick, id)).status).toBe('expired'), {
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    const late = await call(`${quick.approvals}/approvals/${id}/approve`, {
      key: quick.reviewerKey,
      body: {},
    });
    expect(late.status).toBe(409);
    expectDenied(await retry(quick, id, body));
  });
});

describe('approvals — embedded mode (in-process bus, PGlite)', () => {
  const e = useEmbedded();

  it('POST /v1/chat/completions → 202; POST /approvals/:id/approve; the retry with x-approval-id → 200', async () => {
    const s = await approvalOrg(e.base, e.bootstrapKey, e.base, e.base);
    const body = request('ship it');
    const id = await held(s, body);
    await approve(s, id);
    const ok = await retry(s, id, body);
    expect(ok.status).toBe(200);
    expect(ok.body.choices[0].message.content).toBe('ship it');
  });
});
