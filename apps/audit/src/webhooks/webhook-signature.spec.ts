import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signature (x-gateway-signature: t=…,v1=…)', () => {
  const body = '{"id":"evt_1"}';

  it('signs "<t>.<body>" with HMAC-SHA256 of the secret, Stripe style', () => {
    const expected = createHmac('sha256', 'sec').update(`1700000000.${body}`).digest('hex');
    expect(signWebhook('sec', body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it.each([
    ['the right secret, in tolerance', 'sec', body, 1_700_000_100, true],
    ['a wrong secret', 'other', body, 1_700_000_000, false],
    ['a changed body', 'sec', '{"id":"evt_2"}', 1_700_000_000, false],
    ['a timestamp past the tolerance (replay)', 'sec', body, 1_700_000_301, false],
  ])('verifies %s → %s', (_what, secret, b, now, ok) => {
    expect(verifyWebhook(secret, b, signWebhook('sec', body, 1_700_000_000), now)).toBe(ok);
  });

  it('rejects malformed headers', () => {
    for (const header of ['', 't=abc,v1=00', 't=1700000000', 't=1700000000,v1=zz'])
      expect(verifyWebhook('sec', body, header, 1_700_000_000)).toBe(false);
  });
});
