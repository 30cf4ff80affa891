/**
 * The governance settings the gateway benches run under: PII redact and the security scanner
 * on, budgets and rate limits active but out of reach, so every request is governed in full
 * and none is refused.
 */
export const BENCH_SETTINGS = {
  rate_limit_rpm: 10_000_000,
  key_rpm: 10_000_000,
  daily_request_quota: 1_000_000_000,
  daily_budget_usd: 1_000_000,
  per_request_limit_usd: 100,
  hitl_cost_threshold_usd: null,
  pii_scanning_enabled: true,
  pii_action: 'redact',
  pii_patterns: {
    api_key: 'redact',
    password: 'redact',
    email: 'redact',
    ssn: 'redact',
    credit_card: 'redact',
    phone: 'redact',
    jwt: 'redact',
    private_key: 'redact',
    iban: 'redact',
  },
  security_scanner: { enabled: true, sensitivity: 'medium' },
};

/**
 * Sets the demo org's policy to `BENCH_SETTINGS` through the admin route, then waits until
 * explain (which calls no provider) allows a request of `model` under it.
 */
export async function applyBenchPolicy(
  base: string,
  keys: { admin_key: string; gateway_key: string },
  model: string,
): Promise<void> {
  const put = await fetch(`${base}/gateway/admin/governance/policy`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${keys.admin_key}`, 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_SETTINGS),
  });
  if (!put.ok)
    throw new Error(
      `PUT /gateway/admin/governance/policy answered ${put.status} ${await put.text()}`,
    );
  const body = JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'ping' }],
    max_tokens: 4,
  });
  let last = '';
  for (let i = 0; i < 600 && !last.startsWith('ok'); i++) {
    const res = await fetch(`${base}/v1/governance/explain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.gateway_key}`, 'content-type': 'application/json' },
      body,
    });
    const json = (await res.json()) as { decision?: string; policy?: { policy_version?: number } };
    last = `${res.status === 200 && json.decision === 'allow' && (json.policy?.policy_version ?? 0) >= 2 ? 'ok' : 'waiting'} ${res.status} ${JSON.stringify(json).slice(0, 300)}`;
    if (!last.startsWith('ok')) await new Promise((r) => setTimeout(r, 100));
  }
  if (!last.startsWith('ok'))
    throw new Error(`embedded gateway not serving the demo key with the bench policy: ${last}`);
}
