import { waitFor } from '@llmgov/testing';
import { OrgAdmin, call, chat } from './harness/admin';
import { useEmbedded } from './harness/embedded';

/** mock/echo at $0.6 per million output tokens: 500 000 tokens ≈ $0.30, between the free plan's gate and limit. */
const BETWEEN = {
  model: 'mock/echo',
  max_tokens: 500_000,
  messages: [{ role: 'user', content: 'a long report please' }],
};

/**
 * The plan defaults let the cost gate fire (issue 17 item 5): a request estimated between the
 * approval threshold and the per-request limit is held for approval (202), not refused; an org
 * that sets an unreachable gate is told so in the settings response. A retry while the
 * approval is pending answers 409 approval_pending, as the approval service does.
 */
describe('cost gate with the plan defaults — embedded mode', () => {
  const e = useEmbedded();
  let org: OrgAdmin;
  let key: string;

  beforeAll(async () => {
    org = await OrgAdmin.create(e.base, e.bootstrapKey, { plan: 'free' });
    key = (await org.key({ kind: 'gateway', name: 'gate' })).key;
    await org.untilEnforced([e.base], key);
  }, 60_000);

  it('GET /gateway/admin/governance/policy: free plan gate below its per-request limit, no warning', async () => {
    const res = await call(`${e.base}/gateway/admin/governance/policy`, { key: org.org.ownerKey });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ hitl_cost_threshold_usd: 0.1, per_request_limit_usd: 1 });
    expect(res.body.warnings).toBeUndefined();
  });

  it('POST /v1/chat/completions holds a request between the gate and the limit for approval (202)', async () => {
    const res = await chat(e.base, key, BETWEEN);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'pending',
      approval_id: expect.stringMatching(/^apr_/),
    });
    expect(res.body.reason).toContain('approval threshold');
  });

  it('POST /v1/chat/completions with x-approval-id while it is pending answers 409 approval_pending', async () => {
    const other = await OrgAdmin.create(e.base, e.bootstrapKey, { plan: 'growth' });
    const otherKey = (await other.key({ kind: 'gateway', name: 'held' })).key;
    await other.rule('require_approval', {});
    await other.untilEnforced([e.base], otherKey);
    const body = { model: 'mock/echo', messages: [{ role: 'user', content: 'needs a human' }] };
    const held = await chat(e.base, otherKey, body);
    expect(held.status).toBe(202);
    const id = held.body.approval_id as string;
    await waitFor(
      async () =>
        expect((await call(`${e.base}/approvals/${id}`, { key: other.org.ownerKey })).status).toBe(
          200,
        ),
      { timeoutMs: 20_000 },
    );
    const res = await chat(e.base, otherKey, body, { 'x-approval-id': id });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'approval_pending', step: 'hitl_gate' });
  });

  it('PUT /gateway/admin/governance/policy accepts an unreachable gate with a warning naming the field', async () => {
    const res = await call(`${e.base}/gateway/admin/governance/policy`, {
      key: org.org.ownerKey,
      method: 'PUT',
      body: { hitl_cost_threshold_usd: 2 },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.hitl_cost_threshold_usd).toBe(2);
    expect(res.body.warnings).toEqual([
      {
        field: 'hitl_cost_threshold_usd',
        code: 'unreachable_cost_gate',
        message: expect.stringContaining('per_request_limit_usd'),
      },
      {
        field: 'hitl_cost_threshold_usd',
        code: 'unreachable_cost_gate',
        message: expect.stringContaining('daily_budget_usd'),
      },
    ]);
    const again = await call(`${e.base}/gateway/admin/governance/policy`, {
      key: org.org.ownerKey,
    });
    expect(again.body.warnings).toHaveLength(2);
  });
});
