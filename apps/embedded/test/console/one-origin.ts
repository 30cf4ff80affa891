import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Distributed } from '../harness/distributed';

/**
 * One origin in front of the distributed services, routed as infra/k8s/base/ingress.yaml
 * routes them (and as the compose Caddy proxy does): what a browser sees in production.
 */
export async function oneOrigin(d: Distributed): Promise<{ url: string; close(): Promise<void> }> {
  const routes: [RegExp, string][] = [
    [/^\/v1(\/|$)/, d.gateways[0].url],
    [/^\/governance\/agents\/[^/]+\/reviews/, d.approvals!.url],
    [/^\/budgets/, d.ledger.url],
    [/^\/approvals/, d.approvals!.url],
    [/^\/audit/, d.audit!.url],
    [/^\/(governance|gateway\/admin|api\/v1|console)/, d.registry.url],
  ];
  const server: Server = createServer((req, res) => {
    const target = routes.find(([pattern]) => pattern.test(req.url ?? ''))?.[1];
    if (!target) {
      res.writeHead(404).end();
      return;
    }
    const upstream = new URL(req.url ?? '/', target);
    const forward = request(
      upstream,
      { method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
