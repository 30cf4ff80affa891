import { requestsTopic } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import {
  completion,
  fakeUpstream,
  startGateway,
  type FakeUpstream,
  type GatewayHarness,
  type Tenant,
} from './gateway-harness';

const post = (gw: GatewayHarness, t: Tenant, body: Record<string, unknown>) =>
  fetch(`${gw.base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** What a request may cost is priced in full before it is forwarded, and what it cost is counted after. */
describe.each([['in-process'], ['kafka']] as const)(
  'POST /v1/chat/completions — pricing (%s bus)',
  (kind) => {
    let gw: GatewayHarness;
    let upstream: FakeUpstream;
    let t: Tenant;

    beforeAll(async () => {
      upstream = await fakeUpstream();
      gw = await startGateway(kind, {
        OPENAI_API_KEY: 'sk-upstream-test-key-000000000000',
        OPENAI_BASE_URL: upstream.url,
      });
      // mock/echo: $0.6 per million output tokens → 200 tokens ≈ $0.00012, 8 choices ≈ $0.00096.
      t = await gw.tenant({ plan: 'growth', settings: { per_request_limit_usd: 0.0005 } });
    });
    const completedOf = (requestId: string) =>
      gw
        .seen(requestsTopic)
        .flatMap((e) =>
          e.type === 'request.completed' && e.data.request_id === requestId ? [e.data] : [],
        )[0];
    afterAll(async () => {
      await gw?.close();
      await upstream?.close();
    });

    it('reserves max_tokens for every choice: n=8 is refused by a per-request limit n=1 fits in', async () => {
      const one = await post(gw, t, {
        model: 'mock/echo',
        max_tokens: 200,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(one.status).toBe(200);
      const eight = await post(gw, t, {
        model: 'mock/echo',
        max_tokens: 200,
        n: 8,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(eight.status).toBe(403);
      expect(((await eight.json()) as { error: { code: string } }).error.code).toBe(
        'per_request_limit',
      );
    });

    it('sends the estimate in x-cost-usd on a refusal', async () => {
      const refused = await post(gw, t, {
        model: 'mock/echo',
        max_tokens: 1000,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(refused.status).toBe(403);
      // 8 prompt tokens × $0.15/M + 1000 output tokens × $0.6/M, rounded up to the micro-dollar.
      expect(refused.headers.get('x-cost-usd')).toBe('0.000602');
    });

    it('bills a non-streamed answer without usage by counting its tokens, marked in the event', async () => {
      const answer = 'word '.repeat(8000); // 40 000 characters ≈ 10 000 tokens
      upstream.answer = () => ({ json: { ...completion(answer), usage: undefined } });
      const res = await post(gw, t, {
        model: 'gpt-4o-mini',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(res.status).toBe(200);
      const id = res.headers.get('x-request-id')!;
      // gpt-4o-mini: 8 prompt tokens × $0.15/M + 10 000 output tokens × $0.6/M.
      expect(res.headers.get('x-cost-usd')).toBe('0.006002');
      await waitFor(
        () => {
          expect(completedOf(id)).toMatchObject({
            usage: { completion_tokens: 10_000 },
            usage_estimated: true,
            cost_micro_usd: 6002,
          });
        },
        { timeoutMs: 10_000 },
      );
      upstream.answer = () => ({ json: completion('ok') });
      const reported = await post(gw, t, {
        model: 'gpt-4o-mini',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hi' }],
      });
      const rid = reported.headers.get('x-request-id')!;
      await waitFor(
        () => {
          expect(completedOf(rid)?.usage.completion_tokens).toBe(5);
          expect(completedOf(rid)).not.toHaveProperty('usage_estimated');
        },
        { timeoutMs: 10_000 },
      );
    });

    it.each([
      ['n above 128', { n: 1000 }, 'n'],
      ['n of 0', { n: 0 }, 'n'],
      ['a fractional best_of', { best_of: 2.5 }, 'best_of'],
      ['max_tokens × n beyond what can be priced', { n: 128, max_tokens: 2 ** 52 }, 'max_tokens'],
    ])('refuses %s with a 400 naming the field', async (_name, extra, field) => {
      const res = await post(gw, t, {
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'hi' }],
        ...extra,
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as {
        error: { code: string; param: string; message: string };
      };
      expect(body.error).toMatchObject({ code: 'invalid_request', param: field });
      expect(body.error.message).toContain(field);
    });
  },
);
