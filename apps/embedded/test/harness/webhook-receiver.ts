import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook request as received. */
export interface Received {
  path: string;
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A local webhook receiver on 127.0.0.1. Each path answers by its own plan: `failFirst(path, n)`
 * answers 500 to the first n requests per event id, then 200; `alwaysFail(path)` answers 503;
 * any other path answers 200. Every request is recorded with the status it got.
 */
export interface WebhookReceiver {
  url: string;
  received: Received[];
  failFirst(path: string, n: number): void;
  alwaysFail(path: string): void;
  /** Requests to a path, optionally of one event id. */
  to(path: string, eventId?: string): Received[];
  close(): Promise<void>;
}

export async function webhookReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const failures = new Map<string, number>();
  const down = new Set<string>();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = req.url ?? '/';
    const eventId = String(req.headers['x-gateway-event-id']);
    const before = received.filter(
      (r) => r.path === path && r.headers['x-gateway-event-id'] === eventId,
    );
    const status = down.has(path) ? 503 : before.length < (failures.get(path) ?? 0) ? 500 : 200;
    received.push({ path, status, headers: req.headers, body: Buffer.concat(chunks).toString() });
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status === 200 ? 'ok' : 'nope');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    failFirst: (path, n) => void failures.set(path, n),
    alwaysFail: (path) => void down.add(path),
    to: (path, eventId) =>
      received.filter(
        (r) =>
          r.path === path && (eventId === undefined || r.headers['x-gateway-event-id'] === eventId),
      ),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
