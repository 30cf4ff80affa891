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
    app = await NestFactory.create<NestFastifyApplication>(RootModule, new FastifyAdapter(), { logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('answers Prometheus text with process and service metrics, once although imported twice', async () => {
    gatewayMetrics.request('allowed');
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(res.body).toContain('gateway_requests_total{outcome="allowed",step="none",code="none"} 1');
    expect(res.body.match(/^# TYPE gateway_requests_total counter$/gm)).toHaveLength(1);
  });
});
