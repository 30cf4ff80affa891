import { periodEnd, periodStart, periodStartIso, SESSION_PERIOD_START } from './periods';

describe('periods (UTC)', () => {
  it.each([
    ['day', '2026-03-14T23:59:59.999Z', '2026-03-14T00:00:00.000Z', '2026-03-15T00:00:00.000Z'],
    ['day', '2026-03-15T00:00:00.000Z', '2026-03-15T00:00:00.000Z', '2026-03-16T00:00:00.000Z'],
    ['day', '2026-03-15T01:30:00+05:00', '2026-03-14T00:00:00.000Z', '2026-03-15T00:00:00.000Z'],
    ['month', '2026-01-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    ['month', '2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ['month', '2026-12-31T12:00:00.000Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  ] as const)('a %s containing %s starts %s and resets %s', (period, at, start, end) => {
    expect(periodStart(period, new Date(at)).toISOString()).toBe(start);
    expect(periodEnd(period, new Date(at)).toISOString()).toBe(end);
  });

  it('a session has no calendar start', () => {
    expect(periodStartIso('session', new Date('2026-03-14T10:00:00Z'))).toBe(SESSION_PERIOD_START);
  });
});
