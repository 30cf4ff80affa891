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
