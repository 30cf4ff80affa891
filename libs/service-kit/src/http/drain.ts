import type { Server } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Readiness } from './health';

/**
 * Graceful shutdown of a service app: readiness fails (load balancers stop sending), then
 * after `delayMs` the server stops accepting and answers what is in flight, and only then
 * do the module destroy hooks stop consumers and flush publishers and outboxes. Nest alone
 * closes the HTTP server last, so a request finishing during shutdown would queue its events
 * on a closed publisher. Keep-alive sockets of answered requests are closed as they go idle
 * (else close() would wait for their timeout).
 */
export async function drainAndClose(app: NestFastifyApplication, delayMs = 0): Promise<void> {
  app.get(Readiness, { strict: false }).drain();
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  const server = app.getHttpServer() as Server;
  const idle = setInterval(() => server.closeIdleConnections(), 25);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  clearInterval(idle);
  await app.close();
}
