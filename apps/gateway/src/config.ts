import { z } from 'zod';
import { loadEnv, serviceEnv } from '@llmgov/service-kit';
import { DEFAULT_HEARTBEAT_MS, DEFAULT_LAG_MS, DEFAULT_REPLICA_TIMEOUT_MS } from '@llmgov/budget';
import { DEFAULT_REQUEST_DEADLINE_MS } from './http/gateway-routes';
import { RESERVATION_TTL_MS } from './views/book-budget-gate';

/**
 * The gateway's environment, validated once at boot. It owns no database (DATABASE_URL is
 * optional). Provider keys (`<NAME>_API_KEY` / `<NAME>_BASE_URL`) are read by the provider
 * registry from the same environment.
 */
export const gatewayConfigSchema = serviceEnv(8080)
  .extend({
    DATABASE_URL: z.string().default(''),
    APPROVAL_SERVICE_URL: z.url().default('http://127.0.0.1:8083'),
    /**
     * Seals answers the confidence gate holds at the approval service: 32 bytes as 64 hex
     * digits or base64, the same on every replica. Unset: a key random to this process.
     */
    HELD_ANSWER_KEY: z.string().optional(),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
    /** Whole-request deadline (body read to last byte, streams included); below the 10 min reservation TTL. */
    REQUEST_DEADLINE_MS: z.coerce
      .number()
      .int()
      .positive()
      .max(RESERVATION_TTL_MS, 'must stay below the reservation TTL (600000)')
      .default(DEFAULT_REQUEST_DEADLINE_MS),
    /** Replica heartbeats on gateway.replicas.v1: budgets and rate limits are shared over the live replicas. */
    REPLICA_HEARTBEAT_MS: z.coerce.number().int().positive().default(DEFAULT_HEARTBEAT_MS),
    /** A replica not heard from for this long is gone; must exceed the heartbeat plus two propagation lags. */
    REPLICA_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULT_REPLICA_TIMEOUT_MS),
    /** Bound on the publish → fold-in lag between replicas: each replica's lag share is per this window. */
    REPLICA_LAG_MS: z.coerce.number().int().positive().default(DEFAULT_LAG_MS),
  })
  .refine((c) => c.REPLICA_TIMEOUT_MS > c.REPLICA_HEARTBEAT_MS, {
    message: 'must exceed REPLICA_HEARTBEAT_MS',
    path: ['REPLICA_TIMEOUT_MS'],
  });
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig =>
  loadEnv(gatewayConfigSchema, 'gateway', env);
