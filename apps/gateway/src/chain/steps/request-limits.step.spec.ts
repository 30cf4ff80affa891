import { requestLimitsStep } from './request-limits.step';
import { prepared, testPolicy, verdictOf } from '../testing/chain-fixture';

const body = (o: unknown) => JSON.stringify(o);
const ok = { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] };
const fresh = (
  raw: string | Buffer,
  headers: Record<string, string> = {},
  plan: 'free' | 'growth' = 'growth',
) => {
  const ctx = prepared({ raw, headers, policy: testPolicy({ plan }) });
  ctx.request = null;
  ctx.meta = null;
  return ctx;
};

describe('request_limits step', () => {
  it.each([
    ['a valid request', body(ok), {}, { kind: 'allow', code: null }],
    ['malformed JSON', '{"model":', {}, { kind: 'block', code: 'invalid_json', status: 400 }],
    [
      'missing messages',
      body({ model: 'mock/echo' }),
      {},
      { kind: 'block', code: 'invalid_request', status: 400 },
    ],
    [
      'empty messages',
      body({ model: 'mock/echo', messages: [] }),
      {},
      { kind: 'block', code: 'invalid_request', status: 400 },
    ],
    [
      'max_tokens not an integer',
      body({ ...ok, max_tokens: 1.5 }),
      {},
      { kind: 'block', code: 'invalid_request', status: 400 },
    ],
    [
      'bad x-session-id',
      body(ok),
      { 'x-session-id': 'has spaces' },
      { kind: 'block', code: 'invalid_request', status: 400 },
    ],
    [
      'too many tags',
      body(ok),
      { 'x-tags': Array.from({ length: 21 }, (_, i) => `t${i}`).join(',') },
      { kind: 'block', code: 'invalid_request', status: 400 },
    ],
    [
      'reasoning model above the cap',
      body({ ...ok, model: 'gpt-5', max_completion_tokens: 40_000 }),
      {},
      { kind: 'block', code: 'reasoning_token_cap', status: 403 },
    ],
    [
      'reasoning model within the cap',
      body({ ...ok, model: 'gpt-5', max_completion_tokens: 1_000 }),
      {},
      { kind: 'allow', code: null },
    ],
    [
      'non-reasoning model above the cap',
      body({ ...ok, model: 'gpt-4o', max_tokens: 40_000 }),
      {},
      { kind: 'allow', code: null },
    ],
  ])('%s', (_n, raw, headers, expected) => {
    expect(verdictOf(requestLimitsStep, fresh(raw, headers as Record<string, string>))).toEqual(
      expected,
    );
  });

  it('refuses a body over the plan limit with 413 before parsing it', () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 'x'); // not JSON: the size check comes first
    expect(verdictOf(requestLimitsStep, fresh(big, {}, 'free'))).toEqual({
      kind: 'block',
      code: 'body_too_large',
      status: 413,
    });
  });

  it('names the invalid field in param', () => {
    const v = requestLimitsStep.run(
      fresh(body({ model: 'mock/echo', messages: [{ content: 'x' }] })),
    );
    expect(v).toMatchObject({ kind: 'block', param: 'messages.0.role' });
  });

  it('takes metadata from headers over the body and splits x-tags', () => {
    const ctx = fresh(
      body({ ...ok, metadata: { purpose: 'support', session_id: 'body-session' } }),
      { 'x-session-id': 'hdr-session', 'x-tags': 'a, b' },
    );
    requestLimitsStep.run(ctx);
    expect(ctx.meta).toMatchObject({
      purpose: 'support',
      session_id: 'hdr-session',
      tags: ['a', 'b'],
    });
  });

  it('reads fallbacks from x-fallback-models when the body has none', () => {
    const ctx = fresh(body(ok), { 'x-fallback-models': 'gpt-4o-mini, mock/echo-premium' });
    requestLimitsStep.run(ctx);
    expect(ctx.request?.fallbacks).toEqual(['gpt-4o-mini', 'mock/echo-premium']);
  });
});
