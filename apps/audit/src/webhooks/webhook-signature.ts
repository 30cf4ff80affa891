import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `x-gateway-signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
 * Stripe's scheme (https://docs.stripe.com/webhooks#verify-manually): the timestamp is signed
 * with the body, so a receiver can refuse replays older than its tolerance.
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmac(secret, unixSeconds, body)}`;
}

/**
 * Verifies a signature header as a receiver would: some `v1` matches and `t` is within
 * `toleranceS` of `nowS`. Exported for receivers written in TypeScript and for tests.
 */
export function verifyWebhook(
  secret: string,
  body: string,
  header: string,
  nowS: number,
  toleranceS = 300,
): boolean {
  const parts = header.split(',').map((p) => p.split('=', 2) as [string, string]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isSafeInteger(t) || Math.abs(nowS - t) > toleranceS) return false;
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  return parts.some(([k, v]) => {
    if (k !== 'v1' || !/^[0-9a-f]{64}$/.test(v ?? '')) return false;
    return timingSafeEqual(expected, Buffer.from(v, 'hex'));
  });
}

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}
