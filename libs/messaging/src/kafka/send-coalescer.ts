/**
 * Coalesces concurrent sends into one broker request.
 *
 * The producer is idempotent with one request in flight (the order guarantee), so under load
 * every publish used to wait for the previous one's round trip: c=64 requests meant 64
 * sequential produce requests. Instead, sends that arrive while a request is in flight queue
 * up and leave together in the next request (Kafka's `linger`, driven by back-pressure rather
 * than a timer, so a lone send never waits). Each caller's promise settles with the request
 * that carried its records, so the delivery guarantee (acks=all, before the caller goes on) is
 * unchanged; order is kept because queued sends leave in arrival order.
 */
export class SendCoalescer<T> {
  private queue: { items: T[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private draining?: Promise<void>;

  /** `flush` sends everything given in one request (in order) and resolves once acked. */
  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly maxItems = 500,
  ) {}

  send(items: T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Settles once every send queued so far has left and been answered (closing waits for it). */
  async drained(): Promise<void> {
    await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.take();
      try {
        await this.flush(batch.flatMap((b) => b.items));
        batch.forEach((b) => b.resolve());
      } catch (err) {
        batch.forEach((b) => b.reject(err));
      }
    }
    this.draining = undefined;
  }

  /** Whole sends, in arrival order, up to `maxItems` records (always at least one send). */
  private take(): typeof this.queue {
    let count = 0;
    let n = 0;
    while (n < this.queue.length) {
      const size = this.queue[n].items.length;
      if (n > 0 && count + size > this.maxItems) break;
      count += size;
      n += 1;
    }
    return this.queue.splice(0, n);
  }
}
