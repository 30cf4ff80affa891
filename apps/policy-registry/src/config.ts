import { z } from 'zod';
import { loadEnv, serviceEnv } from '@llmgov/service-kit';

/** The registry's environment, validated once at boot. */
export const registryConfig = serviceEnv(8081).extend({
  BOOTSTRAP_ADMIN_KEY: z
    .string()
    .regex(/^msh_[A-Za-z0-9]{20,}$/, 'must be msh_ followed by at least 20 letters or digits')
    .optional(),
});
export type RegistryConfig = z.infer<typeof registryConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): RegistryConfig =>
  loadEnv(registryConfig, 'policy-registry', env);
