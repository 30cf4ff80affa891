import { waitFor } from '@llmgov/testing';
import { OrgAdmin, admin, call, chat } from './harness/admin';

export interface ComplianceUrls {
  gateway: string;
  registry: string;
  audit: string;
}

const SSN = 'my ssn is 123-45-6789';

/**
 * EU AI Act compliance through the whole product (issue 13): a fresh org refuses an Art. 5
 * purpose with `risk_prohibited` citing the article; a weakened PII setting lowers the score,
 * its remediation is applied through the registry, the gateway enforces the patched version,
 * and the audit log records the remediation with its actor and check.
 */
export async function runComplianceScenario(
  urls: ComplianceUrls,
  bootstrapKey: string,
): Promise<void> {
  const org = await OrgAdmin.create(urls.registry, bootstrapKey, {
    name: 'Compliance Inc',
    plan: 'free',
  });
  const gk = (await org.key({ kind: 'gateway', name: 'agent' })).key;
  const ask = (content: string, headers: Record<string, string> = {}) =>
    chat(urls.gateway, gk, { model: 'mock/echo', messages: [{ role: 'user', content }] }, headers);

  const prohibited = await waitFor(
    async () => {
      const res = await ask('rank these citizens', { 'x-purpose': 'social_scoring' });
      expect(res.status).toBe(403);
      return res;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  expect(prohibited.body).toMatchObject({
    error: { code: 'risk_prohibited', step: 'risk_classification', type: 'policy_violation' },
    policy_attribution: { policy_version: 1 },
  });
  expect(prohibited.body.error.message).toContain('Regulation (EU) 2024/1689, Art. 5(1)(c)');
  expect((await ask('summarise this', { 'x-purpose': 'summarisation' })).status).toBe(200);

  await org.settings({ pii_patterns: { ssn: 'warn' } });
  await org.untilEnforced([urls.gateway], gk);
  expect((await ask(SSN)).status).toBe(200);

  const before = await admin<{ score: number; checks: Array<{ id: string; status: string }> }>(
    `${urls.registry}/governance/compliance`,
    org.org.ownerKey,
  );
  expect(before.checks.find((c) => c.id === 'art10_data_governance')?.status).toBe('partial');
  const remediations = await admin<Array<{ id: string; diff: Array<{ path: string }> }>>(
    `${urls.registry}/governance/compliance/remediations`,
    org.org.ownerKey,
  );
  expect(remediations.find((r) => r.id === 'art10_data_governance')?.diff).toEqual([
    expect.objectContaining({ path: 'settings.pii_patterns' }),
  ]);

  const applied = await admin<{ version: { policy_version: number; status: string } }>(
    `${urls.registry}/governance/compliance/remediations/art10_data_governance/apply`,
    org.org.ownerKey,
    {},
  );
  expect(applied.version.status).toBe('active');
  await waitFor(
    async () => {
      const res = await ask(SSN);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('pii_detected');
      expect(res.body.policy_attribution.policy_version).toBe(applied.version.policy_version);
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  const after = await admin<{ score: number; checks: Array<{ id: string; status: string }> }>(
    `${urls.registry}/governance/compliance`,
    org.org.ownerKey,
  );
  expect(after.checks.find((c) => c.id === 'art10_data_governance')?.status).toBe('pass');
  expect(after.score).toBeGreaterThan(before.score);

  // The answered requests reach the registry as request.completed: model and provider recorded (Art. 13).
  await waitFor(
    async () => {
      const report = await admin<{
        checks: Array<{
          id: string;
          status: string;
          evidence: Array<{ source: string; value: any; met: boolean | null }>;
        }>;
      }>(`${urls.registry}/governance/compliance`, org.org.ownerKey);
      const art13 = report.checks.find((c) => c.id === 'art13_transparency')!;
      expect(art13.status).toBe('pass');
      const requests = art13.evidence.find((e) => e.source === 'facts.requests')!;
      expect(requests.met).toBe(true);
      expect(requests.value.recorded).toBeGreaterThanOrEqual(2);
      expect(requests.value.with_model_and_provider).toBe(requests.value.recorded);
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );

  const logged = await waitFor(
    async () => {
      const res = await call(`${urls.audit}/audit/events?type=compliance.remediation.applied`, {
        key: org.org.ownerKey,
      });
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBe(1);
      return res.body.data[0] as Record<string, unknown>;
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );
  expect(JSON.stringify(logged)).toContain('art10_data_governance');
  expect(logged).toMatchObject({
    type: 'compliance.remediation.applied',
    policy_version: applied.version.policy_version,
    actor: expect.stringMatching(/^admin_key:/),
  });
}
