import {
  Controller,
  Get,
  Header,
  Headers,
  Injectable,
  Module,
  Res,
  SetMetadata,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { shutdownTracing } from '../tracing/sdk';
import { OPENMETRICS_CONTENT_TYPE, openMetricsText, wantsOpenMetrics } from './open-metrics';
import { collectProcessMetrics, metricsRegistry } from './registry';

interface Reply {
  header(name: string, value: string): unknown;
}

/**
 * `@ApiExcludeController()` spelled with Nest's SetMetadata (the key and value
 * @nestjs/swagger reads): importing the decorator would load @nestjs/swagger at start-up in
 * every service, which `/docs` now loads on its first request (service-kit lazy-docs.ts).
 */
const ApiExcludeController = () => SetMetadata('swagger/apiExcludeController', [true]);

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  /** Prometheus text, or OpenMetrics with exemplars when `Accept` asks for it. */
  @Get()
  @Header('cache-control', 'no-store')
  metrics(
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<string> {
    const open = wantsOpenMetrics(accept);
    reply.header('content-type', open ? OPENMETRICS_CONTENT_TYPE : metricsRegistry().contentType);
    return open ? openMetricsText() : metricsRegistry().metrics();
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
 * `GET /metrics` in Prometheus text format (OpenMetrics with exemplars on request), from the
 * process-wide registry, with the default process metrics. A static module: however many service modules import it in one app
 * (embedded mode), Nest makes one instance and one route.
 */
@Module({ controllers: [MetricsController], providers: [TelemetryShutdown] })
export class MetricsModule {
  constructor() {
    collectProcessMetrics();
  }
}
