import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createEventBus } from '@llmgov/messaging';
import { MetricsModule, NestPinoLogger, createLogger, httpTelemetry } from '@llmgov/telemetry';
import { HealthModule, Readiness } from './health';
import { bootstrapService } from './bootstrap';
import { drainAndClose } from './drain';
import { newId } from '../ids';
import { systemClock } from '../tokens';
import type { ServiceRuntime } from '../runtime';
import type { JwtConfig } from '../auth/jwt-verifier';
import { runtimeFromEnv, type ServiceEnv } from '../config';

export interface RunServiceOptions {
  /** Service name: logs, metrics, Kafka client id. */
  name: string;
  port: number;
  kafkaBrokers: string[];
  topicPrefix?: string;
  /** Unique per process (the pod name on Kubernetes); generated when absent. */
  replicaId?: string;
  databaseUrl: string;
  jwt: JwtConfig;
  poolSize?: number;
  /** The service's module, given the runtime (bus, database, replica id, clock, jwt). */
  module: (runtime: ServiceRuntime) => DynamicModule;
  /** Extra setup of the app before it listens (e.g. the registry serves the web console). */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
  /** How long readiness fails before the server closes on SIGTERM, so load balancers stop sending (ms). */
  drainDelayMs?: number;
  /** HTTP request / idle-socket timeouts (BootstrapOptions). */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
}

/**
 * Runs one service standalone (distributed mode): Kafka bus, JSON logs with trace ids,
 * `/health/*`, `/metrics`, `/docs`, and a graceful shutdown on SIGTERM/SIGINT — readiness
 * fails first, then in-flight requests finish, consumers stop and outboxes flush (module
 * destroy hooks), then the bus closes. Each `main.ts` imports `@llmgov/telemetry/register`
 * first and then calls this.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const logger = createLogger({ service: options.name });
  const replicaId = options.replicaId ?? newId('replica');
  const bus = createEventBus({
    kind: 'kafka',
    brokers: options.kafkaBrokers,
    clientId: `${options.name}-${replicaId}`,
    topicPrefix: options.topicPrefix,
  });
  const runtime: ServiceRuntime = {
    bus,
    databaseUrl: options.databaseUrl,
    replicaId,
    clock: systemClock,
    jwt: options.jwt,
    poolSize: options.poolSize,
    outboxNotifications: true,
  };

  @Module({ imports: [HealthModule, MetricsModule, options.module(runtime)] })
  class RootModule {}

  const app = await bootstrapService(RootModule, {
    name: options.name,
    port: options.port,
    requestTimeoutMs: options.requestTimeoutMs,
    connectionTimeoutMs: options.connectionTimeoutMs,
    shutdownHooks: false,
    configure: async (nest) => {
      nest.useLogger(new NestPinoLogger(logger));
      httpTelemetry(logger)(nest);
      await options.configure?.(nest);
    },
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    await drainAndClose(app, options.drainDelayMs ?? 0);
    await bus.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/**
 * A service's `main.ts` in one call: `runService` with the options of the common environment
 * (`runtimeFromEnv(env)`) and any `extra`; a service that cannot start prints why and exits 1.
 */
export function runServiceFromEnv(
  name: string,
  env: ServiceEnv,
  module: RunServiceOptions['module'],
  extra: Pick<RunServiceOptions, 'configure'> = {},
): void {
  runService({ name, ...runtimeFromEnv(env), module, ...extra }).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
