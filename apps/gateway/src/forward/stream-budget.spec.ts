import { StreamBudget } from './stream-budget';

/** A shared book reduced to what is left: `grow` takes the extra when it fits. */
function book(left: number) {
  const state = { left, calls: [] as number[] };
  const holder = (reserved: number) => {
    let held = reserved;
    return new StreamBudget(reserved, (total) => {
      state.calls.push(total);
      if (total - held > state.left) return false;
      state.left -= total - held;
      held = total;
      return true;
    });
  };
  return { state, holder };
}

describe('StreamBudget', () => {
  it('covers what the admission reserved without touching the book', () => {
    const { state, holder } = book(1_000);
    expect(holder(500).covers(500)).toBe(true);
    expect(state.calls).toEqual([]);
  });

  it('grows by a step (the admission reservation, at least 100 µ$) past it', () => {
    const { state, holder } = book(1_000);
    const b = holder(30);
    expect(b.covers(31)).toBe(true);
    expect(b.reservedMicroUsd).toBe(130);
    expect(state.left).toBe(900);
  });

  it('grows by just what is needed when a step no longer fits, and refuses when that does not fit either', () => {
    const { holder } = book(50);
    const b = holder(200);
    expect(b.covers(240)).toBe(true); // a 200 µ$ step does not fit what is left; 40 does
    expect(b.reservedMicroUsd).toBe(240);
    expect(b.covers(260)).toBe(false); // 20 more, 10 left
    expect(b.reservedMicroUsd).toBe(240);
  });

  it('lets concurrent streams of one book together reserve no more than is left', () => {
    const { state, holder } = book(1_000);
    const streams = Array.from({ length: 8 }, () => holder(10));
    const granted = streams.map((s) => {
      let cost = 10;
      while (s.covers(cost + 15)) cost += 15;
      return s.reservedMicroUsd - 10;
    });
    expect(granted.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1_000);
    expect(state.left).toBeGreaterThanOrEqual(0);
  });
});
