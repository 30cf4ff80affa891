import { z } from 'zod';
import { loadEnv, serviceEnv } from '@llmgov/service-kit';
import { DEFAULT_REQUEST_DEADLINE_MS } from './http/gateway-routes';
import { RESERVATION_TTL_MS } from './views/book-budget-gate';

/**
 * The gateway's environment, validated once at boot. It owns no database (DATABASE_URL is
 * optional). Provider keys (`<NAME>_API_KEY` / `<NAME>_BASE_URL`) are read by the provider
 * registry from the same environment.
 */
export const gatewayConfigSchema = serviceEnv(8080).extend({
  DATABASE_URL: z.string().default(''),
  APPROVAL_SERVICE_URL: z.url().default('http://127.0.0.1:8083'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** Whole-request deadline (body read to last byte, streams included); below the 10 min reservation TTL. */
  REQUEST_DEADLINE_MS: z.coerce
    .number()
    .int()
    .positive()
    .max(RESERVATION_TTL_MS, 'must stay below the reservation TTL (600000)')
    .default(DEFAULT_REQUEST_DEADLINE_MS),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadEnv(gatewayConfigSchema, 'gateway', env);
