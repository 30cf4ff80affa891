import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';

/** Where `npm install` builds the console (tools/build-console.mjs); CONSOLE_DIR overrides. */
export const defaultConsoleDir = () =>
  resolve(process.env.CONSOLE_DIR ?? join(process.cwd(), 'apps', 'console', 'dist'));

const HEADERS = {
  'content-security-policy': [
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/**
 * Serves the web console (a static single-page app) at `/console`: hashed assets under
 * `/console/assets/` (immutable), and `index.html` for `/console` and every other path under
 * it (client-side routes). Without a build it answers 503 saying how to build it.
 * The console talks to this same origin's public API; nothing here reads a credential.
 */
export async function serveConsole(
  app: NestFastifyApplication,
  dir: string = defaultConsoleDir(),
): Promise<boolean> {
  const fastify = app.getHttpAdapter().getInstance();
  const indexFile = join(dir, 'index.html');
  const built = existsSync(indexFile);
  const index = (reply: FastifyReply) => {
    if (!built)
      return reply
        .code(503)
        .type('text/plain')
        .send('The console is not built: run `npm run build:console` (npm install does it).');
    return reply.headers(HEADERS).type('text/html; charset=utf-8').send(readFileSync(indexFile));
  };
  fastify.get('/console', (_req, reply) => index(reply));
  fastify.get('/console/*', (_req, reply) => index(reply));
  if (built) {
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic as never, {
      root: join(dir, 'assets'),
      prefix: '/console/assets/',
      immutable: true,
      maxAge: '365d',
      decorateReply: false,
    });
  }
  return built;
}
