import type { EventBus } from '@llmgov/messaging';
import type { JwtConfig } from './auth/jwt-verifier';
import type { Clock } from './tokens';

/**
 * What every service module is given, in either mode: standalone (`main.ts`: Kafka bus,
 * Postgres) or embedded (in-process bus, PGlite over a local Postgres-wire socket).
 * Each service keeps its tables in its own schema of `databaseUrl`.
 */
export interface ServiceRuntime {
  bus: EventBus;
  databaseUrl: string;
  /** Unique per process: consumer groups of per-replica views, `replica_id` in events. */
  replicaId: string;
  clock: Clock;
  jwt: JwtConfig;
  /** Postgres pool size per service (PGlite serialises anyway: keep small there). */
  poolSize?: number;
  /**
   * Outbox relays wake on Postgres notifications of outbox inserts instead of polling every
   * 20 ms (OutboxRelayOptions.notifications). Standalone services on Postgres; not PGlite.
   */
  outboxNotifications?: boolean;
}
