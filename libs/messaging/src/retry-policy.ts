/** Exponential backoff between attempts of a failing handler. */
export interface RetryPolicy {
  initialDelayMs: number;
  /**
   * Cap on one wait. Kept well below Kafka's session timeout (30 s by default) even
   * though the Kafka adapter heartbeats while it waits.
   */
  maxDelayMs: number;
  factor: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  factor: 2,
};

/** The wait after failed attempt number `attempt` (1-based). */
export const backoffDelay = (attempt: number, policy: RetryPolicy): number =>
  Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (attempt - 1));

/** Thrown into a waiting delivery when its subscription or bus closes. */
export class DeliveryAborted extends Error {
  constructor() {
    super('subscription closed while a delivery was in progress');
    this.name = 'DeliveryAborted';
  }
}

/**
 * Waits `ms`, calling `keepAlive` about every second (the Kafka adapter heartbeats so the
 * group does not evict a consumer that is backing off), and rejects at once on abort.
 */
export async function pause(
  ms: number,
  signal: AbortSignal,
  keepAlive?: () => Promise<void>,
): Promise<void> {
  const until = Date.now() + ms;
  for (let left = ms; left > 0; left = until - Date.now()) {
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new DeliveryAborted());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new DeliveryAborted());
      };
      const timer = setTimeout(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.min(left, 1000),
      );
      signal.addEventListener('abort', onAbort, { once: true });
    });
    await keepAlive?.();
  }
  if (signal.aborted) throw new DeliveryAborted();
}
