/**
 * A module of kafkajs's own sources (`kafkajs/src/...`), for the few fixes this package applies
 * to its internals (request-queue-timer.ts, pooled-encoder.ts); undefined when the installed
 * kafkajs has no such module (another version), in which case the fix is left out.
 */
export function kafkajsInternal<T>(path: string): T | undefined {
  try {
    return require(`kafkajs/src/${path}`) as T;
  } catch {
    return undefined;
  }
}
