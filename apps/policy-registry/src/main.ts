import '@llmgov/telemetry/register';
import { runServiceFromEnv, serveConsole } from '@llmgov/service-kit';
import { loadConfig } from './config';
import { PolicyRegistryModule } from './policy-registry.module';

const config = loadConfig();
runServiceFromEnv(
  'policy-registry',
  config,
  (runtime) =>
    PolicyRegistryModule.forRoot({
      ...runtime,
      schema: config.DB_SCHEMA,
      bootstrapAdminKey: config.BOOTSTRAP_ADMIN_KEY,
    }),
  // The web console (distributed mode): static files at /console; CONSOLE_DIR overrides where.
  { configure: async (app) => void (await serveConsole(app)) },
);
