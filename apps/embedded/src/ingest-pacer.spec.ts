import { IngestPacer, type IngestProgress } from './ingest-pacer';

/**
 * A log of one topic that two durable groups consume: `produced[i]` is when record i was
 * produced; a group's offset is how many it has handled.
 */
class FakeLog implements IngestProgress {
  produced: number[] = [];
  offsets = new Map<string, number>([
    ['ledger', 0],
    ['audit', 0],
  ]);
  private listeners = new Set<() => void>();

  durableGroups() {
    return [...this.offsets].map(([group, offset]) => ({ topic: 'requests', group, offset }));
  }

  liveRecordTime(_topic: string, offset: number): number | undefined {
    return this.produced[offset];
  }

  onCommit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  commit(group: string, offset: number): void {
    this.offsets.set(group, offset);
    for (const l of [...this.listeners]) l();
  }

  get listening(): number {
    return this.listeners.size;
  }
}

describe('IngestPacer', () => {
  let now: number;
  let log: FakeLog;
  const pacer = (maxLagMs = 250, stalledAfterMs = 10_000) =>
    new IngestPacer(log, { maxLagMs, maxWaitMs: 1_000, stalledAfterMs, now: () => now });
  const settled = async (p: Promise<void>): Promise<boolean> => {
    let done = false;
    void p.then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    return done;
  };

  beforeEach(() => {
    now = 1_000_000;
    log = new FakeLog();
  });

  it('lets requests through while every consumer is within the bound', () => {
    const p = pacer();
    expect(p.pace()).toBeUndefined();
    log.produced = [now - 200, now - 100];
    expect(p.lagMs()).toBe(200);
    expect(p.pace()).toBeUndefined();
  });

  it('holds requests while the slowest consumer is behind, until the commit that brings it back', async () => {
    const p = pacer();
    log.produced = [now - 900, now - 600, now - 100];
    log.commit('ledger', 3); // the ledger is current, the audit 900 ms behind
    expect(p.lagMs()).toBe(900);
    const first = p.pace()!;
    const second = p.pace()!;
    expect(first).toBeDefined();
    expect(await settled(first)).toBe(false);
    log.commit('audit', 1); // still 600 ms behind: they keep waiting
    expect(await settled(first)).toBe(false);
    log.commit('audit', 2); // 100 ms behind: within the bound
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
    expect(log.listening).toBe(0);
    expect(p.pace()).toBeUndefined();
  });

  it('lets a request go after maxWaitMs however far behind the consumers still are', async () => {
    jest.useFakeTimers();
    try {
      const p = pacer();
      log.produced = [now - 5_000];
      const waiting = p.pace()!;
      let done = false;
      void waiting.then(() => (done = true));
      jest.advanceTimersByTime(999);
      await Promise.resolve();
      expect(done).toBe(false);
      jest.advanceTimersByTime(1);
      await waiting;
      expect(log.listening).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not wait for a consumer that has not moved for stalledAfterMs (the database down)', () => {
    const p = pacer(250, 2_000);
    log.produced = [now - 1_500];
    expect(p.lagMs()).toBe(1_500); // behind and, for all it knows, moving
    now += 1_900; // not moved since seen behind, but not for 2 s yet
    expect(p.lagMs()).toBe(3_400);
    now += 200; // 2.1 s without a move: stalled
    expect(p.lagMs()).toBe(0);
    expect(p.pace()).toBeUndefined();
    log.commit('audit', 1); // it moves again: it counts again once behind
    log.commit('ledger', 1);
    log.produced.push(now - 400);
    expect(p.lagMs()).toBe(400);
  });

  it('counts a record that arrived after a long idle spell from its arrival, not from the last move', () => {
    const p = pacer(250, 2_000);
    log.produced = [now - 100];
    log.commit('ledger', 1);
    log.commit('audit', 1);
    expect(p.lagMs()).toBe(0);
    now += 60_000; // idle for a minute, then a new record
    log.produced.push(now - 300);
    expect(p.lagMs()).toBe(300);
  });

  it('never holds a request when pacing is off (0)', () => {
    const p = pacer(0);
    log.produced = [now - 60_000];
    expect(p.pace()).toBeUndefined();
  });
});
