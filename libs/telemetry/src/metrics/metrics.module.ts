import { Controller, Get, Header, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { shutdownTracing } from '../tracing/sdk';
import { collectProcessMetrics, metricsRegistry } from './registry';

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', metricsRegistry().contentType)
  @Header('cache-control', 'no-store')
  metrics(): Promise<string> {
    return metricsRegistry().metrics();
  }
}

/** Flushes spans still buffered by the tracing SDK when the app closes (SIGTERM). */
@Injectable()
export class TelemetryShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await shutdownTracing();
  }
}

/**
 * `GET /metrics` in Prometheus text format, from the process-wide registry, with the default
 * process metrics. A static module: however many service modules import it in one app
 * (embedded mode), Nest makes one instance and one route.
 */
@Module({ controllers: [MetricsController], providers: [TelemetryShutdown] })
export class MetricsModule {
  constructor() {
    collectProcessMetrics();
  }
}
