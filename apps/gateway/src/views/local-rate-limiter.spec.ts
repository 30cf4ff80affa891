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

describe('LocalRateLimiter lag shares across replicas', () => {
  it('alone, admits up to the limit', () => {
    expect(
      admitUntilRefused(new LocalRateLimiter(new ReplicaSet({ self: 'gw-a' })), keyRpm(30)),
    ).toBe(30);
    expect(admitUntilRefused(new LocalRateLimiter(), keyRpm(30))).toBe(30);
  });

  it('far from the limit, a replica admits locally: 2 000 of a 100 000 rpm key in one lag, none refused', () => {
    const [a] = cluster(['gw-a', 'gw-b', 'gw-c']);
    expect(admitUntilRefused(a!, keyRpm(100_000), 2_000)).toBe(2_000);
  });

  it('three replicas that never see each other`s requests admit one each per lag of a 30 rpm key, not 90', () => {
    const counts = cluster(['gw-a', 'gw-b', 'gw-c']).map((l) => admitUntilRefused(l, keyRpm(30)));
    expect(counts).toEqual([1, 1, 1]); // lag share ⌊29 / 24⌋ = 1: the first request of the lag
  });

  it('a refused share says when it frees up (a quarter lag), the window when it resets', () => {
    const [a] = cluster(['gw-a', 'gw-b']);
    expect(a!.check([keyRpm(4)], NOW, true).allowed).toBe(true);
    const share = a!.check([keyRpm(4)], NOW, true);
    expect(share).toMatchObject({
      allowed: false,
      bucket: keyRpm(4),
      remaining: 0,
      share_replicas: 2,
    });
    expect(share.reset_ms).toBeGreaterThan(0);
    expect(share.reset_ms).toBeLessThanOrEqual(250);
    for (let i = 0; i < 3; i++) a!.record([keyRpm(4)], NOW);
    expect(a!.check([keyRpm(4)], NOW + 2_000, true)).toEqual({
      allowed: false,
      bucket: keyRpm(4),
      remaining: 0,
      reset_ms: 53_000,
    });
  });

  it('peers` requests and time: a replica keeps admitting one lag share after another, never past limit + replicas', () => {
    // Three replicas seeing each other's requests one lag (1 s) late, 10 ms steps for a minute.
    const ids = ['gw-a', 'gw-b', 'gw-c'];
    const sets = ids.map((self) => new ReplicaSet({ self, timeout_ms: 3_000 }));
    const limiters = sets.map((set) => new LocalRateLimiter(set));
    const inFlight: { at: number; from: number }[] = [];
    let admitted = 0;
    for (let t = NOW; t < NOW + 50_000; t += 10) {
      if ((t - NOW) % 1_000 === 0)
        for (const set of sets) ids.forEach((id) => set.heartbeat(id, t));
      for (const m of inFlight.filter((x) => x.at + 1_000 <= t))
        limiters.forEach((l, i) => i !== m.from && l.record([keyRpm(30)], m.at));
      inFlight.splice(0, inFlight.filter((x) => x.at + 1_000 <= t).length);
      limiters.forEach((l, i) => {
        if (l.check([keyRpm(30)], t, true).allowed) {
          admitted++;
          inFlight.push({ at: t, from: i });
        }
      });
    }
    expect(admitted).toBeLessThanOrEqual(30 + 3);
    expect(admitted).toBeGreaterThanOrEqual(30 - 3);
  });
});
