import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { useInMemoryTracing } from '@llmgov/telemetry';
import { traceHeaders, withBatchProcessSpans } from './trace-context';

describe('traceHeaders with tracing off (no propagator registered)', () => {
  it('still gives every event a W3C traceparent, unsampled', () => {
    expect(traceHeaders().traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });

  it('gives each call its own trace id', () => {
    expect(traceHeaders().traceparent).not.toBe(traceHeaders().traceparent);
  });

  it('never repeats a trace or span id across refills of its random pool (1 000 calls)', () => {
    const parts = Array.from({ length: 1000 }, () => traceHeaders().traceparent.split('-'));
    const ids = parts.flatMap(([, traceId, spanId]) => [traceId, spanId]);
    expect(new Set(ids).size).toBe(2000);
  });
});

describe('withBatchProcessSpans (a handler that takes a whole batch)', () => {
  const tracing = useInMemoryTracing();

  it("makes one process span per message under its own message's context, and a receive span linking them", async () => {
    const requests = [1, 2, 3].map(() => {
      const span = trace.getTracer('test').startSpan('request');
      span.end();
      return {
        span: span.spanContext(),
        headers: traceHeaders(trace.setSpan(context.active(), span)),
      };
    });
    const messages = requests.map((r, i) => ({
      headers: r.headers,
      attributes: { 'messaging.message.id': `evt_${i}` },
    }));
    let activeInHandler: string | undefined;
    await withBatchProcessSpans(
      'things.v1',
      'kafka',
      messages,
      { 'messaging.consumer.group.name': 'g' },
      async () => {
        activeInHandler = trace.getActiveSpan()?.spanContext().spanId;
      },
    );

    const processes = tracing.spansNamed('process things.v1');
    const [receive] = tracing.spansNamed('receive things.v1');
    expect(processes).toHaveLength(3);
    requests.forEach((r, i) => {
      const own = processes.filter((s) => s.spanContext().traceId === r.span.traceId);
      expect(own).toHaveLength(1);
      expect(own[0].parentSpanContext?.spanId).toBe(r.span.spanId);
      expect(own[0].kind).toBe(SpanKind.CONSUMER);
      expect(own[0].attributes).toMatchObject({
        'messaging.message.id': `evt_${i}`,
        'messaging.consumer.group.name': 'g',
      });
    });
    expect(receive.parentSpanContext).toBeUndefined();
    expect(requests.map((r) => r.span.traceId)).not.toContain(receive.spanContext().traceId);
    expect(receive.links.map((l) => l.context.spanId).sort()).toEqual(
      processes.map((s) => s.spanContext().spanId).sort(),
    );
    expect(activeInHandler).toBe(receive.spanContext().spanId);
  });

  it('marks every span of the batch failed when the handler throws', async () => {
    const request = trace.getTracer('test').startSpan('request');
    request.end();
    const headers = traceHeaders(trace.setSpan(context.active(), request));
    tracing.reset();
    await expect(
      withBatchProcessSpans('things.v1', 'kafka', [{ headers }, { headers }], {}, async () => {
        throw new Error('db down');
      }),
    ).rejects.toThrow('db down');
    expect(tracing.spans().map((s) => s.status.code)).toEqual([
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
    ]);
  });
});
