import type { DynamicModule, Provider } from '@nestjs/common';
import { SERVICE_SCHEMAS, type MigrationClass } from '@llmgov/eventstore';
import { AdminAuthModule } from '../auth/admin-auth.module';
import type { TenancyDirectory } from '../auth/tenancy-directory';
import type { ServiceRuntime } from '../runtime';
import { persistenceProviders } from './service-persistence';

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
        ? { bus: runtime.bus, relayIntervalMs: runtime.relayIntervalMs }
        : undefined,
    }),
  };
}
