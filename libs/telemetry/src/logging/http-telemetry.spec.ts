import Fastify, { type FastifyInstance } from 'fastify';
import { openMetricsText } from '../metrics/open-metrics';
import { metricsRegistry } from '../metrics/registry';
import { useInMemoryTracing } from '../testing/use-in-memory-tracing';
import { installHttpTelemetry } from './http-telemetry';
import { createLogger } from './logger';

describe('installHttpTelemetry', () => {
  const lines: string[] = [];
  let app: FastifyInstance;
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    app = Fastify();
    installHttpTelemetry(
      app,
      createLogger({
        service: 'gateway',
        level: 'info',
        destination: { write: (l: string) => void lines.push(l) },
      }),
    );
    app.get('/approvals/:id', async (_req, reply) =>
      reply.header('x-request-id', 'req_123').send({ ok: true }),
    );
    app.get('/boom', async (_req, reply) => reply.status(503).send({ error: 'down' }));
    app.get('/health/live', async () => ({ status: 'ok' }));
    app.post('/v1/chat/completions', async (req, reply) =>
      reply.status((req.body as { status: number }).status).send({}),
    );
    await app.ready();
  });
  afterAll(() => app.close());
  beforeEach(() => (lines.length = 0));

  it('logs one line per request with route, path without query, status, duration and request id', async () => {
    await app.inject({
      method: 'GET',
      url: '/approvals/apr_1?token=gk_Abcdefghijklmnopqrstuvwxyz',
      headers: { authorization: 'Bearer gk_Abcdefghijklmnopqrstuvwxyz' },
    });
    expect(lines).toHaveLength(1);
    const [line] = parsed();
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      route: '/approvals/:id',
      path: '/approvals/apr_1',
      status: 200,
      request_id: 'req_123',
    });
    expect(typeof line.duration_ms).toBe('number');
    expect(lines[0]).not.toContain('gk_');
  });

  it('logs server errors at error level and probes not at all at info', async () => {
    await app.inject({ method: 'GET', url: '/boom' });
    await app.inject({ method: 'GET', url: '/health/live' });
    expect(parsed().map((l) => [l.level, l.path, l.status])).toEqual([['error', '/boom', 503]]);
  });

  it('logs successful /v1/* calls at debug only, and their refusals at info without the query', async () => {
    const call = (status: number) =>
      app.inject({
        method: 'POST',
        url: '/v1/chat/completions?key=gk_Abcdefghijklmnopqrstuvwxyz',
        payload: { status },
      });
    await call(200);
    await call(429);
    await call(502);
    expect(parsed().map((l) => [l.level, l.path, l.status])).toEqual([
      ['info', '/v1/chat/completions', 429],
      ['error', '/v1/chat/completions', 502],
    ]);
    expect(lines.join('')).not.toContain('gk_');
  });

  it('observes the request duration by method, route template and status', async () => {
    await app.inject({ method: 'GET', url: '/approvals/apr_2' });
    await app.inject({ method: 'GET', url: '/approvals/apr_3' });
    await app.inject({ method: 'GET', url: '/nowhere' });
    const text = await metricsRegistry().metrics();
    expect(text).toMatch(
      /http_server_request_duration_seconds_count\{method="GET",route="\/approvals\/:id",status="200"\} [3-9]/,
    );
    expect(text).toContain(
      'http_server_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1',
    );
  });

  describe('with tracing on', () => {
    useInMemoryTracing();

    it("leaves a sampled request's trace id as its bucket's exemplar (OpenMetrics only), none for an unsampled one", async () => {
      const traceId = 'a1'.repeat(16);
      const spanId = 'b2'.repeat(8);
      const traceparent = `00-${traceId}-${spanId}-01`;
      await app.inject({ method: 'GET', url: '/approvals/apr_traced', headers: { traceparent } });
      await app.inject({
        method: 'GET',
        url: '/boom',
        headers: { traceparent: `00-${'c3'.repeat(16)}-${spanId}-00` },
      });
      const open = await openMetricsText();
      const traced = open.split('\n').filter((l) => l.includes(`trace_id="${traceId}"`));
      expect(traced).toHaveLength(1);
      expect(traced[0]).toMatch(
        new RegExp(
          '^http_server_request_duration_seconds_bucket\\{le="[^"]+",method="GET",route="/approvals/:id",status="200"\\} ' +
            `\\d+ # \\{trace_id="${traceId}",span_id="${spanId}"\\} [0-9.e-]+ \\d+`,
        ),
      );
      expect(open).not.toContain('c3c3c3');
      expect(await metricsRegistry().metrics()).not.toContain('trace_id');
    });
  });
});
