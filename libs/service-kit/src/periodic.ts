/** A task run on a timer by `repeatEvery`. */
export interface Repeating {
  /** No further runs; one under way goes on (await `latest()` to wait for it). */
  stop(): void;
  /** The run started last, settled (its failure already logged). */
  latest(): Promise<void>;
}

/**
 * Runs `task` every `everyMs` (never when it is 0 or less) on a timer that does not keep the
 * process alive. A failed run is logged as a warning `<what> failed: <error>`; the next tick
 * tries again.
 */
export function repeatEvery(
  everyMs: number,
  task: () => Promise<unknown>,
  logger: { warn(message: string): void },
  what: string,
): Repeating {
  let latest: Promise<void> = Promise.resolve();
  const timer =
    everyMs > 0
      ? setInterval(() => {
          latest = task().then(
            () => undefined,
            (error: unknown) => logger.warn(`${what} failed: ${String(error)}`),
          );
        }, everyMs)
      : undefined;
  timer?.unref();
  return {
    stop: () => clearInterval(timer),
    latest: () => latest,
  };
}
