/** Offsets to commit: the next offset to read of each partition (kafkajs's `commitOffsets` form). */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export type CommitOffsets = (offsets: PartitionOffset[]) => Promise<void>;

/**
 * When a subscription's handled offsets reach the broker. kafkajs's `autoCommit` sends an
 * OffsetCommit request after every batch: under light load one per fetch and consumer (the
 * gateway sent ~310 a second at concurrency 1, as many as its produce requests). Here they
 * go once per interval while records are handled (the last of a flow included: a timer,
 * not the next batch, sends it), and at once when the consumer stops, a batch fails or the
 * group rebalances (`flush`), so a graceful stop redelivers nothing it handled. A crash
 * redelivers at most one interval of handled records; consumers are idempotent, and delivery
 * is at least once, as before.
 */
export class OffsetCommitter {
  /** Partition → the next offset to read, handled but not committed yet. */
  private readonly handled = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly topic: string,
    private readonly intervalMs: number,
    /** How the timer commits (the consumer's `commitOffsets`, valid while it runs). */
    private readonly commit: CommitOffsets,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Every record of `partition` up to `offset` was handled. */
  handledUpTo(partition: number, offset: string): void {
    this.handled.set(partition, (BigInt(offset) + 1n).toString());
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Commits what was handled now; `commit` for a caller that must commit another way. */
  async flush(commit: CommitOffsets = this.commit): Promise<void> {
    if (this.handled.size === 0) return;
    const offsets = [...this.handled].map(([partition, offset]) => ({
      topic: this.topic,
      partition,
      offset,
    }));
    this.handled.clear();
    try {
      await commit(offsets);
    } catch (error) {
      // Not kept: after a rebalance the partition may be another member's, and a commit
      // naming it would fail again. Its records are redelivered unless a later offset of
      // the partition is committed (at least once, never skipped).
      this.onError(error);
    }
  }

  /** No more timed commits (the subscription is closing; `flush` still works). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
