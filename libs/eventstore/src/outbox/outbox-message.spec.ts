import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { EventValidationError } from '@llmgov/messaging';
import { counterEvent, countersTopic } from '../eventstore.fixture';
import { outboxMessage, toOutboxRow } from './outbox-message';

describe('toOutboxRow', () => {
  const { envelope } = counterEvent('c1', 3);

  it('stores the whole envelope, keyed by its subject', () => {
    const row = toOutboxRow(outboxMessage(countersTopic, envelope), {});

    expect(row).toEqual({
      event_id: envelope.id,
      topic: countersTopic.name,
      key: 'c1',
      value: JSON.stringify(envelope),
      headers: {},
    });
  });

  it('refuses an event its topic schema rejects', () => {
    const wrong = outboxMessage(countersTopic, { ...envelope, time: 'yesterday' });

    expect(() => toOutboxRow(wrong)).toThrow(EventValidationError);
  });

  describe('with an OpenTelemetry SDK', () => {
    const provider = new TracerProvider();
    beforeAll(() => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      trace.setGlobalTracerProvider(provider);
    });
    afterAll(async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    });

    it('captures the trace context of the writer', () => {
      const { row, span } = trace.getTracer('test').startActiveSpan('command', (span) => {
        const result = {
          row: toOutboxRow(outboxMessage(countersTopic, envelope)),
          span: span.spanContext(),
        };
        span.end();
        return result;
      });

      expect(row.headers.traceparent).toBe(`00-${span.traceId}-${span.spanId}-01`);
    });
  });
});
