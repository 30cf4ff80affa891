import { FixedClock, kafkaBrokers, testTopicPrefix, waitFor } from './index';

describe('FixedClock', () => {
  it('stands still, advances and is set', () => {
    const clock = new FixedClock('2025-03-01T10:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2025-03-01T10:00:00.000Z');
    expect(clock.advance(1500).now().toISOString()).toBe('2025-03-01T10:00:01.500Z');
    expect(clock.set('2030-01-01T00:00:00Z').now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(() => clock.set('not a date')).toThrow(/ISO-8601/);
  });
});

describe('waitFor', () => {
  it('returns the value once the function stops throwing', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        expect(calls).toBeGreaterThanOrEqual(3);
        return calls;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe(3);
  });

  it('rethrows the last assertion error on timeout', async () => {
    await expect(
      waitFor(() => expect(1).toBe(2), { timeoutMs: 30, intervalMs: 5 }),
    ).rejects.toThrow(/Expected: 2/);
  });
});

describe('testTopicPrefix / kafkaBrokers', () => {
  it('gives unique prefixes', () => {
    expect(testTopicPrefix()).toMatch(/^t[0-9a-f]{10}\.$/);
    expect(testTopicPrefix()).not.toBe(testTopicPrefix());
  });

  it('says what is missing when global setup did not run', () => {
    const saved = process.env.KAFKA_BROKERS;
    delete process.env.KAFKA_BROKERS;
    try {
      expect(() => kafkaBrokers()).toThrow(/KAFKA_BROKERS is not set: the Jest global setup/);
    } finally {
      if (saved !== undefined) process.env.KAFKA_BROKERS = saved;
    }
  });
});
