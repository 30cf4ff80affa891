import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DomainErrorFilter } from '../errors/domain-error.filter';
import { rejectNulBytes } from './reject-nul';
import { serveDocsLazily } from './lazy-docs';

export interface BootstrapOptions {
  /** Service name, for docs and logs. */
  name: string;
  port: number;
  host?: string;
  /** Largest request body Fastify accepts before our own limits (default 64 MiB: above every plan's limit). */
  bodyLimit?: number;
  /** Longest a client may take to send a whole request, body included (default 30 s; 0 = none): then 408. */
  requestTimeoutMs?: number;
  /** A socket idle this long is closed (default 120 s; 0 = none). */
  connectionTimeoutMs?: number;
  /** Called with the created app before it listens (extra routes, parsers, hooks). */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
  logger?: false | ('log' | 'error' | 'warn' | 'debug' | 'verbose')[];
  /**
   * Nest's own SIGTERM/SIGINT handling (default on). Off when the caller drains itself
   * (runService): Nest's handler would close the app at once, modules before the listener,
   * and then re-raise the signal, racing the caller's ordered drain.
   */
  shutdownHooks?: boolean;
}

/** Defaults of `requestTimeoutMs` / `connectionTimeoutMs` (env HTTP_REQUEST_TIMEOUT_MS, HTTP_CONNECTION_TIMEOUT_MS). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 120_000;

/** Creates a Nest app on Fastify with the shared error filter, OpenAPI at /docs, and listens. */
export async function bootstrapService(
  rootModule: unknown,
  options: BootstrapOptions,
): Promise<NestFastifyApplication> {
  const app = await createServiceApp(rootModule, options);
  await app.listen(options.port, options.host ?? '0.0.0.0');
  new Logger(options.name).log(`listening on ${await app.getUrl()}`);
  return app;
}

/** Same as bootstrapService without listening (tests use `app.getHttpServer()` or listen on port 0). */
export async function createServiceApp(
  rootModule: unknown,
  options: Omit<BootstrapOptions, 'port'> & { port?: number },
): Promise<NestFastifyApplication> {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 64 * 1024 * 1024,
    trustProxy: true,
    requestTimeout,
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    // Node enforces requestTimeout only when headersTimeout is not above it, and checks every 30 s by
    // default: keep the pair ordered and check often enough for the timeout to mean what it says.
    http:
      requestTimeout > 0
        ? {
            requestTimeout,
            headersTimeout: Math.min(60_000, requestTimeout),
            connectionsCheckingInterval: Math.min(
              30_000,
              Math.max(250, Math.floor(requestTimeout / 4)),
            ),
          }
        : undefined,
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule as never, adapter, {
    logger: options.logger ?? ['error', 'warn', 'log'],
    bufferLogs: false,
  });
  app.useGlobalFilters(new DomainErrorFilter());
  rejectNulBytes(app.getHttpAdapter().getInstance());
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  setupDocs(app, options.name);
  if (options.configure) await options.configure(app);
  await app.init();
  return app;
}

function canServeSwaggerUi(): boolean {
  try {
    require.resolve('@fastify/static');
    return true;
  } catch {
    return false;
  }
}

function setupDocs(app: INestApplication, name: string): void {
  // The Swagger UI assets need @fastify/static (not a dependency): without it, serve the
  // OpenAPI JSON/YAML only (/docs-json) instead of failing on the first /docs request.
  serveDocsLazily(app, name, canServeSwaggerUi());
}
