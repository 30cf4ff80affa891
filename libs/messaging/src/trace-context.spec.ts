import { traceHeaders } from './trace-context';

describe('traceHeaders with tracing off (no propagator registered)', () => {
  it('still gives every event a W3C traceparent, unsampled', () => {
    expect(traceHeaders().traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });

  it('gives each call its own trace id', () => {
    expect(traceHeaders().traceparent).not.toBe(traceHeaders().traceparent);
  });
});
