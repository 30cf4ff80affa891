import { ReplicaSet } from './replica-set';

describe('ReplicaSet (live gateway replicas from heartbeats)', () => {
  it('always holds itself, adds a peer at its heartbeat and drops it after the timeout', () => {
    const set = new ReplicaSet({ self: 'gw-b', timeout_ms: 3_000 });
    expect(set.live(0)).toEqual(['gw-b']);
    set.heartbeat('gw-c', 1_000);
    set.heartbeat('gw-a', 1_500);
    expect(set.live(2_000)).toEqual(['gw-a', 'gw-b', 'gw-c']);
    expect(set.size(2_000)).toBe(3);
    expect(set.isLive('gw-c', 3_999)).toBe(true);
    expect(set.isLive('gw-c', 4_000)).toBe(false);
    expect(set.live(4_000)).toEqual(['gw-a', 'gw-b']);
    expect(set.size(4_500)).toBe(1);
  });

  it('keeps a peer live while its heartbeats arrive, whatever their order', () => {
    const set = new ReplicaSet({ self: 'gw-a', timeout_ms: 3_000 });
    set.heartbeat('gw-b', 5_000);
    set.heartbeat('gw-b', 2_000); // a late delivery does not move the last sighting back
    expect(set.isLive('gw-b', 7_500)).toBe(true);
    set.heartbeat('gw-a', 0); // its own heartbeat changes nothing
    expect(set.live(100_000)).toEqual(['gw-a']);
  });

  it('a replica that comes back after the timeout is live again', () => {
    const set = new ReplicaSet({ self: 'gw-a', timeout_ms: 1_000 });
    set.heartbeat('gw-b', 0);
    expect(set.size(2_000)).toBe(1);
    set.heartbeat('gw-b', 2_500);
    expect(set.size(3_000)).toBe(2);
  });
});

describe('ReplicaSet answers from its cache exactly as it would compute', () => {
  it('matches a fresh computation at every query, across heartbeats, expiries and returns', () => {
    const timeout = 100;
    const set = new ReplicaSet({ self: 'a', timeout_ms: timeout });
    const seen = new Map<string, number>();
    const expected = (now: number) =>
      ['a', ...[...seen].filter(([, at]) => now - at < timeout).map(([id]) => id)].sort();
    let x = 7;
    for (let t = 0; t < 5_000; t += 3) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      if (x % 5 === 0) {
        const id = ['b', 'c', 'd'][x % 3]!;
        set.heartbeat(id, t);
        seen.set(id, Math.max(seen.get(id) ?? -Infinity, t));
      }
      expect(set.live(t)).toEqual(expected(t));
    }
  });
});

describe('ReplicaSet blindness (its own heartbeat not back through the bus)', () => {
  it('is blind from the oldest heartbeat not back once it is older than blind_after_ms, and sees again at its echo', () => {
    const set = new ReplicaSet({ self: 'a', timeout_ms: 3_000, blind_after_ms: 500 });
    set.sent(1_000);
    expect(set.blindSince(1_400)).toBeUndefined(); // in flight, not late yet
    set.echoed(1_000);
    set.sent(2_000);
    set.sent(3_000); // a broker outage: neither comes back
    expect(set.blindSince(2_400)).toBeUndefined();
    expect(set.blindSince(2_600)).toBe(2_000);
    expect(set.blindSince(9_000)).toBe(2_000);
    set.echoed(3_000); // the later one is back: the lost one (a failed send) is passed too
    expect(set.blindSince(9_000)).toBeUndefined();
  });

  it('while blind, peers live when it went blind stay live (silence is not a departure); once it sees, they expire', () => {
    const set = new ReplicaSet({ self: 'a', timeout_ms: 3_000, blind_after_ms: 500 });
    set.heartbeat('b', 1_000);
    set.heartbeat('c', 1_500);
    set.sent(2_000); // the outage begins
    expect(set.live(20_000)).toEqual(['a', 'b', 'c']);
    expect(set.isLive('b', 20_000)).toBe(true);
    set.heartbeat('d', 4_000); // a peer heard during it counts as well
    expect(set.size(20_000)).toBe(4);
    set.echoed(2_000);
    expect(set.live(20_000)).toEqual(['a']);
  });
});
