import { counter, gauge } from '@llmgov/telemetry';

/** What the pacer reads of the event log (`DurableEventLog`). */
export interface IngestProgress {
  /** The groups with durable state (ledger, audit, registry…) subscribed in this run. */
  durableGroups(): Iterable<{ topic: string; group: string; offset: number }>;
  /**
   * When the record at `offset` of `topic` was produced (ms since the epoch, its `ce_time`),
   * if it was appended in this run; undefined past the log's end or for a record replayed
   * from an earlier run (readiness covers replay).
   */
  liveRecordTime(topic: string, offset: number): number | undefined;
  /** Calls `listener` each time a durable group commits; returns how to stop. */
  onCommit(listener: () => void): () => void;
}

export interface IngestPacerOptions {
  /** How far behind (ms) a durable consumer may fall before requests wait; 0: never. */
  maxLagMs: number;
  /** Longest a request waits, however far behind the consumers are (ms). */
  maxWaitMs: number;
  /** A consumer that has not moved for this long is stalled, not slow: nobody waits for it (ms). */
  stalledAfterMs: number;
  now?: () => number;
}

const paced = counter({
  name: 'embedded_requests_paced_total',
  help: 'Gateway requests that waited for the ledger, audit and registry to catch up (INGEST_MAX_LAG_MS)',
});
const waited = counter({
  name: 'embedded_requests_paced_seconds_total',
  help: 'Time gateway requests spent waiting for the durable consumers to catch up',
});
/** The pacer `/metrics` reads (the last one started: one embedded mode per process). */
let current: IngestPacer | undefined;
gauge({
  name: 'embedded_ingest_lag_seconds',
  help: 'Age of the oldest event of this run a durable consumer (ledger, audit, registry) has yet to handle; stalled consumers excluded',
  collect() {
    this.set((current?.lagMs() ?? 0) / 1000);
  },
});

/**
 * Keeps the embedded mode's durable consumers current under sustained load (issue 17
 * item 8). In one process the gateway and the ledger, audit and registry share one thread:
 * 64 clients kept it 100 % busy serving HTTP, and the consumers, which took 250–400 ms of it
 * per 2 000 events when idle, got so few turns that `/budgets/*` and `/audit/*` fell 7–14 s
 * behind within 20 s and further the longer the load lasted. So when a durable consumer
 * falls more than `maxLagMs` behind on what this run produced, new gateway requests wait
 * until it is back within the bound (or `maxWaitMs` passed): the gateway then admits at the
 * rate the whole process records, which is its sustained rate, instead of a burst rate
 * whose records pile up in memory and on the stale read side.
 *
 * A consumer that does not move at all for `stalledAfterMs` (the database down, a poison
 * batch being retried) is not waited for: the events are safe in the log, the gateway keeps
 * serving, and its lag shows in the metrics. All waiting requests share one wait, ended by
 * the commit that brings the lag back within the bound.
 */
export class IngestPacer {
  private readonly moved = new Map<string, { offset: number; at: number }>();
  private wait?: Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly log: IngestProgress,
    private readonly options: IngestPacerOptions,
  ) {
    this.now = options.now ?? Date.now;
    current = this;
  }

  /**
   * The age (ms) of the oldest record of this run that a durable consumer still moving has
   * yet to handle; 0 when every one is at its log's end.
   */
  lagMs(): number {
    const now = this.now();
    let worst = 0;
    for (const { topic, group, offset } of this.log.durableGroups()) {
      const producedAt = this.log.liveRecordTime(topic, offset);
      if (producedAt === undefined) continue;
      const k = `${topic}\u0000${group}`;
      let last = this.moved.get(k);
      if (last?.offset !== offset) this.moved.set(k, (last = { offset, at: now }));
      // Behind since the later of its last move and the record's arrival.
      if (now - Math.max(last.at, producedAt) > this.options.stalledAfterMs) continue;
      worst = Math.max(worst, now - producedAt);
    }
    return worst;
  }

  /** Undefined when the consumers are within the bound; else a promise to await first. */
  pace(): Promise<void> | undefined {
    if (this.options.maxLagMs <= 0) return undefined;
    if (!this.wait && this.lagMs() <= this.options.maxLagMs) return undefined;
    paced.inc();
    const started = this.now();
    this.wait ??= new Promise<void>((resolve) => {
      const end = () => {
        stop();
        clearTimeout(timer);
        this.wait = undefined;
        resolve();
      };
      const stop = this.log.onCommit(() => {
        if (this.lagMs() <= this.options.maxLagMs) end();
      });
      const timer = setTimeout(end, this.options.maxWaitMs);
    });
    return this.wait.then(() => waited.inc((this.now() - started) / 1000));
  }
}
