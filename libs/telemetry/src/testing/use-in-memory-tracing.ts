import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { inMemoryTracing, type InMemoryTracing } from './in-memory-tracing';

/**
 * Jest hooks for a describe block: in-memory tracing from its `beforeAll`, spans forgotten
 * after each test, everything unregistered in `afterAll`. Call it in the describe body.
 */
export function useInMemoryTracing(): Pick<InMemoryTracing, 'spans' | 'spansNamed' | 'reset'> {
  let tracing: InMemoryTracing | undefined;
  beforeAll(() => {
    tracing = inMemoryTracing();
  });
  afterEach(() => tracing?.reset());
  afterAll(() => tracing?.shutdown());
  const current = (): InMemoryTracing => {
    if (!tracing)
      throw new Error('useInMemoryTracing: spans are read inside tests, after beforeAll');
    return tracing;
  };
  return {
    spans: (): ReadableSpan[] => current().spans(),
    spansNamed: (name: string): ReadableSpan[] => current().spansNamed(name),
    reset: () => current().reset(),
  };
}
