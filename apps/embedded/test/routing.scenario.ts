import { OrgAdmin, call, chat } from './harness/admin';
import type { FakeDeployment } from './harness/fake-deployment';

export interface RoutingUrls {
  gateway: string;
  registry: string;
}

/** The key of deployment `a` (`DEPLOYMENT_KEY_ROUTE_A` of the gateway's environment). */
export const ROUTE_A_KEY = 'sk-route-a-0123456789';
const COOLDOWN_S = 4;

/**
 * Routing across deployments (issue 15 item 4): `gpt-4o-mini` spread over two fake
 * deployments. Both up: traffic goes to both, each answer naming its deployment in
 * `x-gateway-deployment`. `a` down: every request is still answered, by `b`, and `a` gets at
 * most one request per cooldown. `a` back and the cooldown over: traffic returns to `a`.
 */
export async function runRoutingScenario(
  urls: RoutingUrls,
  bootstrapKey: string,
  a: FakeDeployment,
  b: FakeDeployment,
): Promise<void> {
  const org = await OrgAdmin.create(urls.registry, bootstrapKey, { name: 'Routing Inc' });
  const gk = (await org.key({ kind: 'gateway', name: 'app' })).key;
  // A deployment of another vendor would slip past block_provider: 400 naming the field.
  const wrong = await call(`${urls.registry}/gateway/admin/governance/policy`, {
    method: 'PUT',
    key: org.org.ownerKey,
    body: {
      model_deployments: {
        'gpt-4o-mini': { deployments: [{ id: 'x', provider: 'groq', base_url: b.url }] },
      },
    },
  });
  expect(wrong.status).toBe(400);
  expect(JSON.stringify(wrong.body.error)).toContain(
    'model_deployments.gpt-4o-mini.deployments.0.provider',
  );
  const saved = await org.settings({
    model_deployments: {
      'gpt-4o-mini': {
        strategy: 'weighted',
        cooldown_s: COOLDOWN_S,
        retry_backoff_ms: 10,
        deployments: [
          { id: 'a', provider: 'openai', base_url: a.url, key_name: 'ROUTE_A', weight: 1 },
          { id: 'b', provider: 'openai', base_url: b.url, weight: 1 },
        ],
      },
    },
  });
  expect(JSON.stringify(saved)).not.toContain(ROUTE_A_KEY);
  await org.untilEnforced([urls.gateway], gk);
  const ask = async () => {
    const res = await chat(urls.gateway, gk, {
      model: 'gpt-4o-mini',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'route me' }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-model')).toBe('gpt-4o-mini');
    const deployment = res.headers.get('x-gateway-deployment');
    expect(res.body.choices[0].message.content).toBe(`from ${deployment}`);
    return deployment;
  };
  const spread = async (n: number) => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const d = (await ask())!;
      counts[d] = (counts[d] ?? 0) + 1;
    }
    return counts;
  };

  // No OpenAI key on this gateway, but the org's deployments serve gpt-4o-mini: it is listed.
  const models = await call(`${urls.gateway}/v1/models`, { key: gk });
  expect(models.body.data.map((m: { id: string }) => m.id)).toContain('gpt-4o-mini');

  // Both up: weighted 1:1, both answer.
  const both = await spread(20);
  expect(both.a).toBeGreaterThan(0);
  expect(both.b).toBeGreaterThan(0);
  expect(a.hits.every((h) => h.authorization === `Bearer ${ROUTE_A_KEY}`)).toBe(true);
  expect(b.hits.every((h) => h.authorization === undefined)).toBe(true);

  // a down: every request answered by b; a tried at most once per cooldown window.
  a.down = true;
  const startedDown = Date.now();
  const hitsBefore = a.hits.length;
  const whileDown = await spread(10);
  expect(whileDown).toEqual({ b: 10 });
  const windows = Math.ceil((Date.now() - startedDown) / (COOLDOWN_S * 1000)) + 1;
  expect(a.hits.length - hitsBefore).toBeGreaterThanOrEqual(1);
  expect(a.hits.length - hitsBefore).toBeLessThanOrEqual(windows);

  // A stream is routed the same way (b, while a cools down), its headers naming the deployment.
  const streamed = await fetch(`${urls.gateway}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gk}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      max_tokens: 16,
      stream: true,
      messages: [{ role: 'user', content: 'stream me' }],
    }),
  });
  expect(streamed.status).toBe(200);
  expect(streamed.headers.get('x-gateway-deployment')).toBe('b');
  const text = (await streamed.text())
    .split('\n')
    .filter((l) => l.startsWith('data: {'))
    .map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? '')
    .join('');
  expect(text).toBe('from b');

  // a recovers; once its cooldown is over, traffic returns to it.
  a.down = false;
  await new Promise((r) => setTimeout(r, COOLDOWN_S * 1000 + 200));
  const after = await spread(20);
  expect(after.a).toBeGreaterThan(0);
  expect(after.b).toBeGreaterThan(0);
}
