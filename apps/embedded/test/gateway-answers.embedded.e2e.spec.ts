import { OrgAdmin, call, chat } from './harness/admin';
import { useEmbedded } from './harness/embedded';

/** Issue 17 items 2, 6 and 17 (gateway part) through the embedded mode's one port. */
describe('POST /v1/chat/completions, GET /docs-json — embedded mode', () => {
  const e = useEmbedded();
  let key: string;

  beforeAll(async () => {
    const org = await OrgAdmin.create(e.base, e.bootstrapKey, { plan: 'growth' });
    key = (await org.key({ kind: 'gateway', name: 'answers' })).key;
    await org.settings({ per_request_limit_usd: 0.0005 });
    await org.untilEnforced([e.base], key);
  }, 60_000);

  it('prices every choice of n and sends the estimate in x-cost-usd on the refusal', async () => {
    const hi = [{ role: 'user', content: 'hi' }];
    expect(
      (await chat(e.base, key, { model: 'mock/echo', max_tokens: 200, messages: hi })).status,
    ).toBe(200);
    const eight = await chat(e.base, key, {
      model: 'mock/echo',
      max_tokens: 200,
      n: 8,
      messages: hi,
    });
    expect(eight.status).toBe(403);
    expect(eight.body.error.code).toBe('per_request_limit');
    expect(eight.headers.get('x-cost-usd')).toBe('0.000962');
    const absurd = await chat(e.base, key, { model: 'mock/echo', n: 1000, messages: hi });
    expect(absurd.status).toBe(400);
    expect(absurd.body.error).toMatchObject({ code: 'invalid_request', param: 'n' });
  });

  it('answers 400 for an unknown provider and a path-like model, and model "mock/echo" for mock/echo', async () => {
    for (const model of ['nosuchprovider/x', '../../etc/passwd']) {
      const res = await chat(e.base, key, { model, messages: [{ role: 'user', content: 'hi' }] });
      expect([model, res.status, res.body.error.code]).toEqual([model, 400, 'unknown_model']);
    }
    expect(
      (
        await chat(e.base, key, {
          model: 'mock/echo',
          max_tokens: 20,
          messages: [{ role: 'user', content: 'hi' }],
        })
      ).body.model,
    ).toBe('mock/echo');
  });

  it("GET /docs-json lists the gateway's own routes and /metrics", async () => {
    const doc = await call(`${e.base}/docs-json`);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/chat/completions',
        '/v1/governance/explain',
        '/v1/models',
        '/metrics',
      ]),
    );
  });
});
