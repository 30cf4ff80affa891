import '@llmgov/telemetry/register';
import 'reflect-metadata';
import { loadConfig } from './config';
import { startEmbedded } from './embedded';

/**
 * `npm start`: all five services in one process on PORT, with the in-process bus and an
 * embedded Postgres under DATA_DIR, the mock provider, and a demo org whose keys are
 * printed at start. Real providers are used when their keys are in the environment.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = await startEmbedded(config);
  const shutdown = async (signal: string) => {
    process.stdout.write(`\n${signal}: draining and stopping…\n`);
    await embedded.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  const { base, listening } = addressOf(embedded.host, embedded.port);
  const lines = [
    '',
    `LLM governance gateway (embedded) ready on ${base}${listening}`,
    `  data directory:   ${config.dataDir}`,
    `  OpenAI base URL:  ${base}/v1`,
    `  API docs:         ${base}/docs`,
    `  web console:      ${embedded.consoleBuilt ? `${base}/console` : 'not built (run npm run build:console)'}`,
  ];
  if (embedded.demo) {
    lines.push(
      `  demo org:         ${embedded.demo.org_id}`,
      `  gateway key:      ${embedded.demo.gateway_key}`,
      `  admin key:        ${embedded.demo.admin_key}`,
      ...(embedded.consoleBuilt
        ? [`  console sign-in:  ${base}/console/#key=${embedded.demo.admin_key}`]
        : []),
      '',
      'Try:',
      `  curl ${base}/v1/chat/completions -H "Authorization: Bearer ${embedded.demo.gateway_key}" \\`,
      `    -H "Content-Type: application/json" -d '{"model":"mock/echo","messages":[{"role":"user","content":"Hello"}]}'`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

/**
 * The banner's URL, true to HOST: a loopback or named address as it is; on every interface
 * (`0.0.0.0`, `::`) the local URL, and the banner says it is reachable from the network.
 */
function addressOf(host: string, port: number): { base: string; listening: string } {
  const everywhere = host === '0.0.0.0' || host === '::';
  const shown = everywhere ? '127.0.0.1' : host;
  const base = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
  const listening = everywhere
    ? ` (listening on every interface, ${host}:${port}: reachable from the network)`
    : '';
  return { base, listening };
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
