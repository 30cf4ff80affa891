import {
  Inject,
  Optional,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type Provider,
  type Type,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SERVICE_SCHEMAS, type MigrationClass } from '@llmgov/eventstore';
import { AdminAuthModule } from '../auth/admin-auth.module';
import type { TenancyDirectory } from '../auth/tenancy-directory';
import { Readiness } from '../http/health';
import type { ServiceRuntime } from '../runtime';
import { persistenceProviders, registerDatabaseReadiness } from './service-persistence';

/**
 * The services that own state, by kind: the schema each keeps its tables in, and whether it
 * is event-sourced (event store tables plus an OutboxRelay) or a sink with its own tables only.
 */
export const SERVICE_KINDS = {
  'policy-registry': { schema: SERVICE_SCHEMAS.policyRegistry, eventSourced: true },
  'budget-ledger': { schema: SERVICE_SCHEMAS.budgetLedger, eventSourced: true },
  'approval-workflow': { schema: SERVICE_SCHEMAS.approvalWorkflow, eventSourced: true },
  audit: { schema: SERVICE_SCHEMAS.audit, eventSourced: false },
} as const;

export type StatefulService = keyof typeof SERVICE_KINDS;

export interface ServiceWiringOptions {
  service: StatefulService;
  /** The module's options: the runtime, and the schema / relay interval a test may override. */
  runtime: ServiceRuntime & { schema?: string; relayIntervalMs?: number };
  /** The injection token of the service's DataSource. */
  token: symbol;
  /** The service's own migrations in `schema`. */
  migrations: (schema: string) => MigrationClass[];
  /** The TenancyDirectory admin auth folds into (the registry shares the one it writes to). */
  directory?: TenancyDirectory;
}

export interface ServiceWiring {
  /** The schema in use: the runtime's override, else the service's own. */
  schema: string;
  /** AdminAuthModule for the service. */
  imports: DynamicModule[];
  /** `persistenceProviders` for the service's kind. */
  providers: Provider[];
}

/**
 * The wiring every stateful service module starts from, one way for all: admin auth on the
 * tenancy topic, and the persistence of its kind in its schema. The module adds its own
 * providers, and registers readiness and stops what it started as `persistenceProviders` says.
 */
export function serviceWiring(options: ServiceWiringOptions): ServiceWiring {
  const { service, runtime } = options;
  const kind = SERVICE_KINDS[service];
  const schema = runtime.schema ?? kind.schema;
  return {
    schema,
    imports: [
      AdminAuthModule.forRoot({
        bus: runtime.bus,
        service,
        replicaId: runtime.replicaId,
        jwt: runtime.jwt,
        directory: options.directory,
      }),
    ],
    providers: persistenceProviders({
      token: options.token,
      databaseUrl: runtime.databaseUrl,
      schema,
      poolSize: runtime.poolSize,
      migrations: options.migrations(schema),
      eventSourced: kind.eventSourced
        ? {
            bus: runtime.bus,
            relayIntervalMs: runtime.relayIntervalMs,
            notifications: runtime.outboxNotifications,
          }
        : undefined,
    }),
  };
}

/** The token under which a `serviceModule` also provides the service's DataSource. */
export const SERVICE_DATA_SOURCE = Symbol('SERVICE_DATA_SOURCE');

/** What a stateful service module builds on `serviceWiring`, in the schema it chose. */
export interface ServiceModuleParts {
  controllers?: Type[];
  providers: Provider[];
  exports: NonNullable<DynamicModule['exports']>;
}

/**
 * A stateful service's DynamicModule: its options under `optionsToken`, `serviceWiring`'s
 * imports and providers (its DataSource also as SERVICE_DATA_SOURCE, for
 * `StatefulServiceModule`), then the parts the module builds in the schema in use.
 */
export function serviceModule(
  module: Type,
  options: ServiceWiringOptions & { optionsToken: symbol },
  parts: (schema: string) => ServiceModuleParts,
): DynamicModule {
  const { schema, imports, providers } = serviceWiring(options);
  const own = parts(schema);
  return {
    module,
    imports,
    controllers: own.controllers,
    providers: [
      { provide: options.optionsToken, useValue: options.runtime },
      ...providers,
      { provide: SERVICE_DATA_SOURCE, useExisting: options.token },
      ...own.providers,
    ],
    exports: own.exports,
  };
}

/**
 * The edges of a stateful service module's life, one way for all: `<service>.database`
 * readiness before the module starts its parts (`start`), and the DataSource destroyed after
 * it stopped them (`stop`). The module is built by `serviceModule`.
 */
export abstract class StatefulServiceModule implements OnApplicationBootstrap, OnModuleDestroy {
  @Inject(SERVICE_DATA_SOURCE) protected readonly dataSource!: DataSource;
  @Optional() @Inject(Readiness) protected readonly readiness?: Readiness;

  protected constructor(private readonly service: StatefulService) {}

  /** Registers the module's own readiness checks and starts its consumers, relay and timers. */
  protected abstract start(): Promise<void>;
  /** Stops what `start` started, in the module's order. */
  protected abstract stop(): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    registerDatabaseReadiness(this.readiness, this.service, this.dataSource);
    await this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
    await this.dataSource.destroy();
  }
}
