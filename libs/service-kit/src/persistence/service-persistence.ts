import type { Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  OutboxRelay,
  createDataSource,
  eventstoreMigrations,
  type MigrationClass,
} from '@llmgov/eventstore';
import type { EventBus } from '@llmgov/messaging';
import type { Readiness } from '../http/health';

export interface ServicePersistenceOptions {
  /** The injection token of the service's DataSource. */
  token: symbol;
  databaseUrl: string;
  /** The service's schema (`SERVICE_SCHEMAS`, or a test's own). */
  schema: string;
  poolSize?: number;
  /** The service's own migrations (run after the event store's when it is event-sourced). */
  migrations: MigrationClass[];
  /** An event-sourced service: the event store's tables, and an OutboxRelay publishing to `bus`. */
  eventSourced?: { bus: EventBus; relayIntervalMs?: number; notifications?: boolean };
}

/**
 * The persistence wiring of a service, one way for all: its DataSource (schema created and
 * migrated by `createDataSource`), and for an event-sourced service the event store's tables
 * and its OutboxRelay. The module starts the relay, and stops it and destroys the DataSource
 * on shutdown; `registerDatabaseReadiness` adds the readiness check.
 */
export function persistenceProviders(options: ServicePersistenceOptions): Provider[] {
  const { token, schema, eventSourced } = options;
  const providers: Provider[] = [
    {
      provide: token,
      useFactory: () =>
        createDataSource({
          url: options.databaseUrl,
          schema,
          poolSize: options.poolSize,
          migrations: [
            ...(eventSourced ? eventstoreMigrations(schema) : []),
            ...options.migrations,
          ],
        }),
    },
  ];
  if (eventSourced)
    providers.push({
      provide: OutboxRelay,
      inject: [token],
      useFactory: (ds: DataSource) =>
        new OutboxRelay(ds, schema, eventSourced.bus, {
          pollIntervalMs: eventSourced.relayIntervalMs,
          ...(eventSourced.notifications ? { notifications: { url: options.databaseUrl } } : {}),
        }),
    });
  return providers;
}

/** `<service>.database` readiness: the DataSource answers a query. */
export function registerDatabaseReadiness(
  readiness: Readiness | undefined,
  service: string,
  dataSource: DataSource,
): void {
  readiness?.register(`${service}.database`, async () => {
    await dataSource.query('select 1');
    return true;
  });
}
