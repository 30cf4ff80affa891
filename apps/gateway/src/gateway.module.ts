import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import {
  approvalsTopic,
  agentReviewsTopic,
  policyTopic,
  policyViolatedTopic,
  replicasTopic,
  requestsTopic,
  tenancyTopic,
} from '@llmgov/events';
import { Readiness, type ServiceRuntime } from '@llmgov/service-kit';
import { createLogger, type Logger } from '@llmgov/telemetry';
import { EventPublisher } from './events/event-publisher';
import { heldAnswerKey } from './forward/confidence';
import { Gateway } from './forward/gateway';
import { registerGatewayRoutes } from './http/gateway-routes';
import { ProviderRegistry } from './providers/provider-registry';
import { GatewayViews } from './views/gateway-views';

export interface GatewayOptions {
  /** Where provider keys come from (`<NAME>_API_KEY`, `<NAME>_BASE_URL`); default process.env. */
  providerEnv?: Readonly<Record<string, string | undefined>>;
  /** Base URL of the approval service (`POST /approvals/:id/consume`); embedded: this process. */
  approvalServiceUrl?: string | null;
  upstreamTimeoutMs?: number;
  /** Seals answers the confidence gate holds (32 bytes, shared by every replica; forward/confidence.ts). */
  heldAnswerKey?: Buffer;
  /** From a request read to the last byte of its answer, streamed or not (default 5 min). */
  requestDeadlineMs?: number;
  /** Replica heartbeat interval and timeout (defaults 1 s / 3 s; docs/budgets.md). */
  replicaHeartbeatMs?: number;
  replicaTimeoutMs?: number;
  /** Bound on the propagation lag between replicas (REPLICA_LAG_MS): the lag shares' window. */
  replicaLagMs?: number;
  logger?: Logger;
  /** How published events are validated (default `'envelope'`; tests pass `'schema'`, see EventPublisherOptions). */
  eventValidation?: 'schema' | 'envelope';
}

export type GatewayRuntime = ServiceRuntime & GatewayOptions;

const RUNTIME = Symbol('GATEWAY_RUNTIME');

/**
 * The id this process publishes and folds under: the configured replica id (a pod name may
 * repeat across restarts, the embedded mode's is always `embedded`) plus a per-start suffix.
 * A restarted process is a new incarnation, so the request events its previous life
 * published are peers' events and are folded back into the budgets and rate windows on
 * replay, and its per-replica consumer groups start from the beginning (docs/budgets.md).
 */
export const incarnationOf = (replicaId: string): string =>
  `${replicaId}.${randomBytes(4).toString('hex')}`;

/** The gateway's parts, built and started with the module and stopped with it. */
@Injectable()
export class GatewayService implements OnModuleInit, OnModuleDestroy {
  readonly views: GatewayViews;
  readonly publisher: EventPublisher;
  readonly providers: ProviderRegistry;
  readonly gateway: Gateway;
  readonly logger: Logger;

  constructor(
    @Inject(RUNTIME) private readonly runtime: GatewayRuntime,
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    @Inject(Readiness) private readonly readiness: Readiness,
  ) {
    this.logger = runtime.logger ?? createLogger({ service: 'gateway' });
    const incarnation = incarnationOf(runtime.replicaId);
    this.views = new GatewayViews(incarnation, this.logger, {
      heartbeat_ms: runtime.replicaHeartbeatMs,
      timeout_ms: runtime.replicaTimeoutMs,
      lag_ms: runtime.replicaLagMs,
    });
    this.publisher = new EventPublisher(runtime.bus, {
      validate: runtime.eventValidation,
      onError: (topic, err) =>
        this.logger.warn(
          { topic, err: (err as Error).message },
          'event publish failed; will retry',
        ),
    });
    this.providers = new ProviderRegistry(
      runtime.providerEnv ?? process.env,
      runtime.upstreamTimeoutMs ?? 60_000,
    );
    this.gateway = new Gateway({
      views: this.views,
      providers: this.providers,
      publisher: this.publisher,
      clock: runtime.clock,
      replicaId: incarnation,
      approvalServiceUrl: runtime.approvalServiceUrl ?? null,
      heldAnswerKey: runtime.heldAnswerKey ?? heldAnswerKey(undefined),
      logger: this.logger,
    });
  }

  async onModuleInit(): Promise<void> {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    registerGatewayRoutes(fastify, this.gateway, this.runtime.requestDeadlineMs);
    this.readiness.register('gateway_views', () => this.views.ready());
    await this.runtime.bus.ensureTopics([
      tenancyTopic,
      policyTopic,
      agentReviewsTopic,
      requestsTopic,
      policyViolatedTopic,
      approvalsTopic,
      replicasTopic,
    ]);
    await this.views.start(this.runtime.bus, (beat) => this.publisher.enqueue(replicasTopic, beat));
  }

  async onModuleDestroy(): Promise<void> {
    await this.views.stop();
    await this.publisher.close();
    await this.providers.close();
  }
}

/**
 * The gateway (data plane): `/v1/chat/completions`, `/v1/models`, `/v1/governance/explain`.
 * Owns no durable state: its views are folded from the bus at start.
 */
@Module({})
export class GatewayModule {
  static forRoot(runtime: GatewayRuntime): DynamicModule {
    return {
      module: GatewayModule,
      providers: [{ provide: RUNTIME, useValue: runtime }, GatewayService],
      exports: [GatewayService],
    };
  }
}
