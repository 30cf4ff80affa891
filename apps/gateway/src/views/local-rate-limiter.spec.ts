import { ReplicaSet } from '@llmgov/budget';
import type { RateBucket } from '@llmgov/chain';
import { LocalRateLimiter } from './local-rate-limiter';

const MINUTE = 60_000;
const keyRpm = (limit: number): RateBucket => ({
  key: 'key:k1',
  limit,
  window_ms: MINUTE,
  code: 'rate_limit',
  policy_id: null,
  policy_type: 'key_rpm',
});
const NOW = Date.UTC(2026, 2, 14, 9, 0, 5);

/** Replicas that all see each other live, and no event of each other (the worst lag). */
function cluster(ids: string[]): LocalRateLimiter[] {
  return ids.map((self) => {
    const set = new ReplicaSet({ self, timeout_ms: 3_000 });
    for (const id of ids) set.heartbeat(id, NOW);
    return new LocalRateLimiter(set);
  });
}

const admitUntilRefused = (limiter: LocalRateLimiter, bucket: RateBucket, max = 1_000): number => {
  let n = 0;
  while (n < max && limiter.check([bucket], NOW, true).allowed) n++;
  return n;
};

describe('LocalRateLimiter shares across replicas', () => {
  it('alone, admits up to the limit', () => {
    expect(
      admitUntilRefused(new LocalRateLimiter(new ReplicaSet({ self: 'gw-a' })), keyRpm(30)),
    ).toBe(30);
    expect(admitUntilRefused(new LocalRateLimiter(), keyRpm(30))).toBe(30);
  });

  it('three replicas that never see each other`s requests admit 10 each of a 30 rpm key: 30 in all, not 90', () => {
    const counts = cluster(['gw-a', 'gw-b', 'gw-c']).map((l) => admitUntilRefused(l, keyRpm(30)));
    expect(counts).toEqual([10, 10, 10]);
  });

  it('the refusal names the bucket and when the window resets', () => {
    const [a] = cluster(['gw-a', 'gw-b']);
    admitUntilRefused(a!, keyRpm(4));
    expect(a!.check([keyRpm(4)], NOW, true)).toEqual({
      allowed: false,
      bucket: keyRpm(4),
      remaining: 0,
      reset_ms: 55_000,
    });
  });

  it('a peer gone mid-window leaves its count behind and its share to the others', () => {
    const set = new ReplicaSet({ self: 'gw-a', timeout_ms: 3_000 });
    set.heartbeat('gw-b', NOW);
    set.heartbeat('gw-c', NOW);
    const a = new LocalRateLimiter(set);
    for (let i = 0; i < 10; i++) a.record([keyRpm(30)], NOW, 'gw-c'); // gw-c used its 10
    expect(admitUntilRefused(a, keyRpm(30))).toBe(10);
    const later = NOW + 4_000; // gw-c missed its heartbeats: gone; gw-b still live
    set.heartbeat('gw-b', later);
    let n = 0;
    while (a.check([keyRpm(30)], later, true).allowed) n++;
    expect(n).toBe(0); // base = (30 − 10) / 2 = 10: gw-a already holds 10
    const alone = new ReplicaSet({ self: 'gw-a', timeout_ms: 3_000 });
    const b = new LocalRateLimiter(alone);
    for (let i = 0; i < 10; i++) b.record([keyRpm(30)], NOW, 'gw-c');
    expect(admitUntilRefused(b, keyRpm(30))).toBe(20); // alone: the limit less what the gone peer used
  });
});
