import { waitFor } from '@llmgov/testing';
import { call, type JsonResponse } from './harness/admin';

export { call, type JsonResponse };

/** Where each service answers; in the embedded mode all five are one base URL. */
export interface ServiceUrls {
  gateway: string;
  registry: string;
  ledger: string;
  audit: string;
}

export interface SkeletonResult {
  orgId: string;
  gatewayKey: string;
  adminKey: string;
  refusal: JsonResponse;
  allowed: JsonResponse;
}

/**
 * The walking skeleton through all five services (issue 2): create an org, a gateway key
 * and a `model_allowlist` policy through the registry; the policy reaches the gateway as
 * an event; a request for a disallowed model gets the CONTRACT.md 403 body;
 * `policy.violated` is stored by audit; an allowed request reaches the mock provider and
 * its `request.completed` is consumed by the budget ledger.
 */
export async function runWalkingSkeleton(
  urls: ServiceUrls,
  bootstrapKey: string,
): Promise<SkeletonResult> {
  const org = await call(`${urls.registry}/governance/orgs`, {
    key: bootstrapKey,
    body: { name: 'Skeleton Inc', plan: 'growth' },
  });
  expect(org.status).toBe(201);
  const orgId: string = org.body.data.id;
  expect(orgId).toMatch(/^org_/);

  const owner = await call(`${urls.registry}/governance/keys`, {
    key: bootstrapKey,
    body: { kind: 'admin', role: 'owner', org_id: orgId },
  });
  expect(owner.status).toBe(201);
  const adminKey: string = owner.body.data.key;
  const gk = await call(`${urls.registry}/governance/keys`, {
    key: adminKey,
    body: { kind: 'gateway', name: 'skeleton-agent' },
  });
  expect(gk.status).toBe(201);
  const gatewayKey: string = gk.body.data.key;
  expect(gatewayKey).toMatch(/^gk_/);

  const rule = await call(`${urls.registry}/governance/policies`, {
    key: adminKey,
    body: {
      name: 'only-echo',
      policy_type: 'model_allowlist',
      config: { allowed_models: ['mock/echo'] },
      scope: 'global',
      enabled: true,
    },
  });
  expect(rule.status).toBe(201);
  const ruleId: string = rule.body.data.id;

  const chat = (model: string, content: string) =>
    call(`${urls.gateway}/v1/chat/completions`, {
      key: gatewayKey,
      body: { model, messages: [{ role: 'user', content }] },
    });

  // The key and the policy reach the gateway as events: wait until the rule is enforced.
  const refusal = await waitFor(
    async () => {
      const res = await chat('mock/echo-premium', 'Which model are you?');
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('model_allowlist');
      return res;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  expect(refusal.body).toMatchObject({
    error: { type: 'policy_violation', code: 'model_allowlist', step: 'model_access' },
    policy_id: ruleId,
    status: 403,
    policy_attribution: {
      policy_id: expect.stringMatching(/^pdoc_/),
      policy_version: expect.any(Number),
      signature: expect.stringMatching(/^sha256:/),
    },
  });
  expect(refusal.body.error.message).toMatch(/^Policy violation: model_allowlist — /);
  expect(refusal.body.request_id).toMatch(/^req_/);
  expect(refusal.headers.get('x-request-id')).toBe(refusal.body.request_id);

  const allowed = await chat('mock/echo', 'Hello skeleton');
  expect(allowed.status).toBe(200);
  expect(allowed.body.choices[0].message.content).toBe('Hello skeleton');
  expect(allowed.body.usage.total_tokens).toBeGreaterThan(0);

  // policy.violated is stored by audit.
  await waitFor(
    async () => {
      const events = await call(`${urls.audit}/audit/events?type=policy.violated`, {
        key: adminKey,
      });
      expect(events.status).toBe(200);
      const entry = events.body.data.find((e: any) =>
        JSON.stringify(e).includes(refusal.body.request_id),
      );
      expect(entry).toBeDefined();
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );

  // request.completed is consumed by the budget ledger.
  await waitFor(
    async () => {
      const spend = await call(`${urls.ledger}/budgets/spend?group_by=model&period=day`, {
        key: adminKey,
      });
      expect(spend.status).toBe(200);
      const echo = spend.body.data.find((row: any) => JSON.stringify(row).includes('mock/echo'));
      expect(echo).toBeDefined();
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );

  return { orgId, gatewayKey, adminKey, refusal, allowed };
}
