import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { useInMemoryTracing } from '../testing/use-in-memory-tracing';
import { tracingEnabled, withSpan } from './tracer';

describe('withSpan with tracing off', () => {
  it('calls the function directly with a non-recording span', () => {
    expect(tracingEnabled()).toBe(false);
    const result = withSpan('work', { a: 1 }, (span) => {
      expect(span.isRecording()).toBe(false);
      expect(trace.getActiveSpan()).toBeUndefined();
      return 42;
    });
    expect(result).toBe(42);
  });
});

describe('withSpan with in-memory tracing', () => {
  const tracing = useInMemoryTracing();

  it('records a span with its attributes and kind, active while the function runs', () => {
    const value = withSpan(
      'work',
      { 'app.n': 3 },
      (span) => {
        expect(trace.getActiveSpan()).toBe(span);
        return 'done';
      },
      { kind: SpanKind.CLIENT },
    );
    expect(value).toBe('done');
    const [span] = tracing.spansNamed('work');
    expect(span.attributes['app.n']).toBe(3);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('nests spans: an inner span is a child of the outer one, across awaits', async () => {
    await withSpan('outer', {}, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await withSpan('inner', {}, async () => undefined);
    });
    const [outer] = tracing.spansNamed('outer');
    const [inner] = tracing.spansNamed('inner');
    expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });

  it('ends an async span only when its promise settles', async () => {
    let release!: () => void;
    const pending = withSpan('slow', {}, () => new Promise<void>((resolve) => (release = resolve)));
    expect(tracing.spansNamed('slow')).toHaveLength(0);
    release();
    await pending;
    expect(tracing.spansNamed('slow')).toHaveLength(1);
  });

  it('marks the span ERROR with the error type and rethrows, sync and async', async () => {
    expect(() =>
      withSpan('sync-fail', {}, () => {
        throw new TypeError('bad input');
      }),
    ).toThrow('bad input');
    await expect(
      withSpan('async-fail', {}, async () => Promise.reject(new RangeError('too far'))),
    ).rejects.toThrow('too far');
    const [sync] = tracing.spansNamed('sync-fail');
    const [async] = tracing.spansNamed('async-fail');
    expect(sync.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad input' });
    expect(sync.attributes['error.type']).toBe('TypeError');
    expect(async.status.code).toBe(SpanStatusCode.ERROR);
    expect(async.attributes['error.type']).toBe('RangeError');
  });
});
