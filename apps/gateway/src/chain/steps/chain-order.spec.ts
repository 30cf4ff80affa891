import { newContext, runChain, STEP_IDS } from '@llmgov/chain';
import { CHAIN_STEPS } from './index';
import { NOW, SECRET, testPolicy, testViews } from '../testing/chain-fixture';

const card = 'pay with 4111-1111-1111-1111';
const policy = testPolicy({ settings: { key_rpm: 1, burst_pct: 0 } });

function send(views: ReturnType<typeof testViews>, text: string, dry_run = false) {
  const body = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: text }] });
  const ctx = newContext({
    request_id: `req_${Math.random()}`,
    now: NOW,
    headers: { authorization: `Bearer ${SECRET}` },
    raw_body: Buffer.from(body),
    views,
    dry_run,
  });
  return runChain(CHAIN_STEPS, ctx);
}

describe('chain order', () => {
  it('runs the 13 steps in the order of CONTRACT.md', () => {
    expect(CHAIN_STEPS.map((s) => s.id)).toEqual([...STEP_IDS]);
  });

  it('a request violating steps 4 (rate limit) and 10 (PII) is refused by step 4', async () => {
    const views = testViews(policy);
    expect((await send(views, 'hello')).outcome.kind).toBe('forward'); // uses the one request of the minute
    const result = await send(views, card);
    expect(result.outcome).toMatchObject({
      kind: 'block',
      step: 'rate_limit',
      verdict: { code: 'rate_limit', status: 429 },
    });
    expect(result.trace.map((t) => t.step)).toEqual(STEP_IDS.slice(0, 4));
  });

  it('the same PII request within the limit is refused by step 10', async () => {
    const result = await send(testViews(policy), card);
    expect(result.outcome).toMatchObject({
      kind: 'block',
      step: 'pii_scan',
      verdict: { code: 'pii_detected' },
    });
  });

  it('explain (dry run) traces all 13 steps and reports the first refusal', async () => {
    const views = testViews(policy);
    await send(views, 'hello');
    const result = await send(views, card, true);
    expect(result.trace).toHaveLength(13);
    expect(result.trace.map((t) => t.verdict)).toEqual([
      'allow',
      'allow',
      'allow',
      'block',
      'allow',
      'allow',
      'allow',
      'allow',
      'allow',
      'block',
      'allow',
      'allow',
      'allow',
    ]);
    expect(result.outcome).toMatchObject({ kind: 'block', step: 'rate_limit' });
  });
});
