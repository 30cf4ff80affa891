import type { ExpectedVersion } from './stored-event';

/**
 * An append found the stream at another version than expected: someone else wrote
 * first. The command handler reloads and retries, or answers 409.
 */
export class ConcurrencyError extends Error {
  readonly code = 'concurrency_conflict';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The version found, when known (a concurrent insert only tells us it lost). */
    readonly actual?: number,
  ) {
    super(
      `stream ${streamId}: expected version ${String(expected)}${actual === undefined ? ', another append won' : `, found ${actual}`}`,
    );
    this.name = 'ConcurrencyError';
  }
}
