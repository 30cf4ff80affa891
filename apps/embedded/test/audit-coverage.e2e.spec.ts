import { waitFor } from '@llmgov/testing';
import { OrgAdmin, admin, call, chat } from './harness/admin';
import { startDistributed, type Distributed } from './harness/distributed';

/**
 * Audit completeness (issue 7): the events the other services really produce — tenancy and
 * policy changes by the registry, requests and refusals by the gateway, approvals and reviews
 * by the approval workflow, budget alerts by the ledger — all reach the audit log of the org,
 * with the actor of admin changes, the request id and the policy version where they apply.
 */
describe('audit log receives what every service produces (Kafka + Postgres)', () => {
  let env: Distributed;
  let org: OrgAdmin;
  let gatewayKey: string;
  let refusedRequestId: string;

  beforeAll(async () => {
    env = await startDistributed({ audit: true });
    org = await OrgAdmin.create(env.registry.url, env.bootstrapKey);
    const owner = org.org.ownerKey;
    const registry = env.registry.url;
    const gateway = env.gateways[0]!.url;

    const team = await admin<{ id: string }>(`${registry}/governance/teams`, owner, {
      name: 'support',
    });
    const agentId = await org.agent('helper', 'production');
    gatewayKey = (
      await org.key({ kind: 'gateway', agent_id: agentId, team_id: team.id, name: 'helper' })
    ).key;
    const spare = await org.key({ kind: 'gateway', name: 'spare' });
    await admin(`${registry}/governance/keys/${spare.id}`, owner, undefined, 'DELETE');
    const reviewerKey = (await org.key({ kind: 'admin', role: 'reviewer', name: 'rita' })).key;

    const allow = await org.rule('model_allowlist', {
      allowed_models: ['mock/echo', 'mock/echo-premium'],
    });
    await admin(
      `${registry}/governance/policies/${allow}`,
      owner,
      { description: 'echo models only' },
      'PATCH',
    );
    const scratch = await org.rule('rate_limit', { requests_per_minute: 1000 });
    await admin(`${registry}/governance/policies/${scratch}`, owner, undefined, 'DELETE');
    await org.rule('require_approval', { models: ['mock/echo-premium'] });
    await org.rule(
      'require_human_review',
      { review_interval_days: 30 },
      { scope: 'agent', agent_id: agentId },
    );
    // A key with a daily budget that two requests take past 50 % (each ~77 µ$: a 400-character
    // prompt and as much echoed back, at mock/echo's catalogue price).
    const metered = await org.key({ kind: 'gateway', name: 'metered' });
    await org.settings({ key_budgets: { [metered.id]: 0.0002 } });
    await org.untilEnforced([gateway], gatewayKey);
    await org.untilEnforced([gateway], metered.key);

    const ask = (model: string, content: string, headers: Record<string, string> = {}) =>
      chat(
        gateway,
        gatewayKey,
        { model, max_tokens: 40, messages: [{ role: 'user', content }] },
        headers,
      );
    expect((await ask('mock/echo', 'first')).status).toBe(200);
    expect((await ask('mock/echo', 'second')).status).toBe(200);
    const refused = await ask('mock/echo', 'my card is 4111 1111 1111 1111');
    expect(refused.status).toBe(403);
    refusedRequestId = refused.body.request_id;

    const held = await ask('mock/echo-premium', 'needs a human');
    expect(held.status).toBe(202);
    const approvalId: string = held.body.approval_id;
    await waitFor(
      async () =>
        expect(
          (await call(`${env.approvals!.url}/approvals/${approvalId}`, { key: reviewerKey }))
            .status,
        ).toBe(200),
      { timeoutMs: 20_000 },
    );
    await admin(`${env.approvals!.url}/approvals/${approvalId}/approve`, reviewerKey, {
      reason: 'fine',
    });
    expect(
      (await ask('mock/echo-premium', 'needs a human', { 'x-approval-id': approvalId })).status,
    ).not.toBe(202);

    const rejected = await ask('mock/echo-premium', 'needs another human');
    await waitFor(
      async () =>
        expect(
          (
            await call(`${env.approvals!.url}/approvals/${rejected.body.approval_id}`, {
              key: reviewerKey,
            })
          ).status,
        ).toBe(200),
      { timeoutMs: 20_000 },
    );
    await admin(
      `${env.approvals!.url}/approvals/${rejected.body.approval_id}/reject`,
      reviewerKey,
      { reason: 'no' },
    );

    await admin(`${env.approvals!.url}/governance/agents/${agentId}/reviews`, owner, {
      notes: 'monthly',
    });

    const long = (n: number) => ({
      model: 'mock/echo',
      max_tokens: 100,
      messages: [{ role: 'user', content: `${n} ${'x'.repeat(396)}` }],
    });
    expect((await chat(gateway, metered.key, long(1))).status).toBe(200);
    expect((await chat(gateway, metered.key, long(2))).status).toBe(200);
  }, 300_000);

  afterAll(() => env?.close());

  const logged = (type: string) =>
    waitFor(
      async () => {
        const res = await call(`${env.audit!.url}/audit/events?type=${encodeURIComponent(type)}`, {
          key: org.org.ownerKey,
        });
        expect(res.status).toBe(200);
        expect(res.body.data.length).toBeGreaterThan(0);
        return res.body.data as Record<string, any>[];
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );

  it.each([
    'org.created',
    'team.created',
    'agent.created',
    'key.created',
    'key.revoked',
    'policy.published',
    'policy.rule.created',
    'policy.rule.updated',
    'policy.rule.deleted',
    'request.completed',
    'policy.violated',
    'approval.requested',
    'approval.granted',
    'approval.consumed',
    'approval.rejected',
    'agent.review.recorded',
    'budget.threshold_reached',
  ])('%s is in the org’s audit log', async (type) => {
    const entries = await logged(type);
    expect(entries[0]).toMatchObject({ type });
  });

  it('admin changes carry their actor; the refusal carries its request id, step, code and policy version', async () => {
    const rules = await logged('policy.rule.created');
    expect(JSON.stringify(rules[0])).toMatch(/admin_key|bootstrap/);
    const violations = await logged('policy.violated');
    const refusal = violations.find((e) => JSON.stringify(e).includes(refusedRequestId));
    expect(refusal).toBeDefined();
    expect(refusal).toMatchObject({
      request_id: refusedRequestId,
      step: 'pii_scan',
      code: 'pii_detected',
      policy_version: expect.any(Number),
    });
    expect(JSON.stringify(violations)).not.toContain('4111 1111 1111 1111');
  });
});
