import { RecentAdmissions } from './recent-admissions';

describe('RecentAdmissions', () => {
  it('counts what was admitted within the last lag (up to a quarter more), then forgets it', () => {
    const r = new RecentAdmissions(1_000);
    r.add(10_000, 5);
    r.add(10_600, 7);
    expect(r.sum(10_900)).toBe(12);
    expect(r.sum(11_300)).toBe(7); // the first left the window
    expect(r.sum(12_000)).toBe(0);
    expect(r.idle(12_000)).toBe(true);
  });

  it('blind, counts everything admitted since the blindness began, however long ago and across reused slots', () => {
    const r = new RecentAdmissions(1_000);
    const since = 10_000;
    r.add(9_000, 100); // before the blindness: only within the lag, as usual
    for (let t = 10_000; t < 30_000; t += 100) r.add(t, 1, since);
    expect(r.sum(30_000)).toBeLessThan(20); // the ordinary window: the last lag only
    expect(r.sum(30_000, since)).toBe(200); // blind: all 200 since 10 s
    expect(r.idle(60_000, since)).toBe(false); // not forgotten while blind
    // A later blindness starts afresh.
    r.add(40_000, 3, 39_500);
    expect(r.sum(40_100, 39_500)).toBe(3);
  });
});
