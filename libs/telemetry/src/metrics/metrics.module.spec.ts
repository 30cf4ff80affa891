import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { gatewayMetrics } from './gateway.metrics';
import { MetricsModule } from './metrics.module';

// Two "services" that both import MetricsModule, as the embedded mode mounts five.
@Module({ imports: [MetricsModule] })
class FirstServiceModule {}
@Module({ imports: [MetricsModule] })
class SecondServiceModule {}
@Module({ imports: [FirstServiceModule, SecondServiceModule] })
class RootModule {}

describe('GET /metrics', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(RootModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
  });
  afterAll(() => app.close());

  it('answers Prometheus text with process and service metrics, once although imported twice', async () => {
    gatewayMetrics.request('allowed');
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(res.body).toContain(
      'gateway_requests_total{outcome="allowed",step="none",code="none"} 1',
    );
    expect(res.body.match(/^# TYPE gateway_requests_total counter$/gm)).toHaveLength(1);
  });

  it('answers OpenMetrics to a scraper that asks for it, and Prometheus text to the next one unchanged', async () => {
    gatewayMetrics.request('allowed');
    const accept = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';
    const open = await app.inject({ method: 'GET', url: '/metrics', headers: { accept } });
    expect(open.statusCode).toBe(200);
    expect(open.headers['content-type']).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    expect(open.body).toContain('# TYPE gateway_requests counter');
    expect(open.body).toMatch(
      /^gateway_requests_total\{outcome="allowed",step="none",code="none"\} \d+$/m,
    );
    expect(open.body.endsWith('# EOF\n')).toBe(true);
    const text = await app.inject({ method: 'GET', url: '/metrics' });
    expect(text.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text.body).toContain('# TYPE gateway_requests_total counter');
    expect(text.body).not.toContain('# EOF');
  });
});
