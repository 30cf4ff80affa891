import { useInMemoryTracing } from '../testing/use-in-memory-tracing';
import { withSpan } from '../tracing/tracer';
import { createLogger } from './logger';

/** A logger writing into an array, one parsed object per line. */
function capture(level = 'info') {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'gateway',
    level,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return {
    logger,
    lines,
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const GK = 'gk_Abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const MSH = 'msh_Zyxwvutsrqponmlkjihgfedcba9876543210ZYXWVU';
const SK = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';
const SECRETS = [GK, MSH, SK];

describe('createLogger', () => {
  it('writes one JSON object per line with ISO time, level word, service and message', () => {
    const { logger, parsed } = capture();
    logger.info({ org_id: 'org_1' }, 'policy loaded');
    const [line] = parsed();
    expect(line).toMatchObject({
      level: 'info',
      service: 'gateway',
      org_id: 'org_1',
      msg: 'policy loaded',
    });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('never writes a gk_, msh_ or sk- secret, whether in a header, a key field, a nested object or free text', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        headers: {
          authorization: `Bearer ${GK}`,
          'x-api-key': GK,
          'content-type': 'application/json',
        },
      },
      'incoming',
    );
    logger.info({ req: { headers: { authorization: `Bearer ${MSH}` } } }, 'admin call');
    logger.info({ api_key: SK, provider: { key: SK } }, 'provider configured');
    logger.warn(
      { note: `user pasted ${GK} and ${SK} into a field`, deep: { deeper: { value: MSH } } },
      `bad key ${MSH}`,
    );
    logger.error({ err: new Error(`upstream refused key ${SK}`) }, 'upstream failed');
    const output = lines.join('');
    for (const secret of SECRETS) expect(output).not.toContain(secret);
    expect(output).not.toContain('Abcdefghijklmnop');
    expect(output).toContain('[REDACTED]');
    // What is not a secret survives.
    expect(output).toContain('application/json');
    expect(output).toContain('provider configured');
  });

  it('redacts authorization values of any shape by field name (a JWT, an unknown scheme)', () => {
    const { logger, parsed } = capture();
    logger.info(
      { headers: { authorization: 'Token eyJhbGciOiJIUzI1NiJ9.e30.sig' }, authorization: 'x' },
      'jwt call',
    );
    const [line] = parsed();
    expect(line.headers).toEqual({ authorization: '[REDACTED]' });
    expect(line.authorization).toBe('[REDACTED]');
  });

  it('leaves ids that merely start like a prefix alone (key ids, short words)', () => {
    const { logger, parsed } = capture();
    logger.info({ key_id: 'key_abc123', msg_type: 'gk_', model: 'sk-1' }, 'key revoked');
    expect(parsed()[0]).toMatchObject({ key_id: 'key_abc123', msg_type: 'gk_', model: 'sk-1' });
  });

  describe('with tracing on', () => {
    const tracing = useInMemoryTracing();

    it('adds trace_id and span_id of the active span, and nothing outside a span', () => {
      const { logger, parsed } = capture();
      withSpan('request', {}, () => logger.info('inside'));
      logger.info('outside');
      const [span] = tracing.spansNamed('request');
      const [inside, outside] = parsed();
      expect(inside).toMatchObject({
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
      });
      expect(outside).not.toHaveProperty('trace_id');
    });
  });
});
