import '@llmgov/telemetry/register';
import { runService, runtimeFromEnv, serveConsole } from '@llmgov/service-kit';
import { loadConfig } from './config';
import { PolicyRegistryModule } from './policy-registry.module';

const config = loadConfig();
void runService({
  name: 'policy-registry',
  ...runtimeFromEnv(config),
  // The web console (distributed mode): static files at /console; CONSOLE_DIR overrides where.
  configure: async (app) => void (await serveConsole(app)),
  module: (runtime) =>
    PolicyRegistryModule.forRoot({
      ...runtime,
      schema: config.DB_SCHEMA,
      bootstrapAdminKey: config.BOOTSTRAP_ADMIN_KEY,
    }),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
