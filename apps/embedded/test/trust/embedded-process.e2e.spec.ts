import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { newSecret } from '@llmgov/service-kit';
import { freePort, waitFor } from '@llmgov/testing';
import { runMain, stopProcess, waitReady, type ServiceProcess } from '../observability/processes';

/** Whether a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 2000 }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });

/**
 * Issue 17, the embedded mode as `npm start` runs it (its own process): it binds loopback by
 * default and says so truthfully, its Postgres wire server refuses a wrong password, and it
 * loads the telemetry registration, so `OTEL_EXPORTER_OTLP_ENDPOINT` exports its spans.
 */
describe('embedded process — loopback, database password, telemetry', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-embedded-proc-'));
  const received: { url: string; body: Buffer }[] = [];
  let collector: Server;
  let proc: ServiceProcess | undefined;
  let port: number;

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ url: req.url ?? '', body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    port = await freePort();
    proc = runMain('apps/embedded/src/main.ts', {
      PORT: String(port),
      DATA_DIR: dataDir,
      BOOTSTRAP_ADMIN_KEY: newSecret('msh'),
      DEMO: 'off',
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    await waitReady(proc, `http://127.0.0.1:${port}/health/live`, 60_000);
  }, 90_000);

  afterAll(async () => {
    await stopProcess(proc);
    await new Promise<void>((resolve) => collector.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 by default (not the network) and its banner names that address', async () => {
    await waitFor(() => expect(proc!.output()).toContain(`ready on http://127.0.0.1:${port}`), {
      timeoutMs: 10_000,
    });
    expect(proc!.output()).not.toContain('every interface');
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === 'IPv4');
    expect(external.length).toBeGreaterThan(0);
    for (const a of external)
      expect([a!.address, await accepts(a!.address, port)]).toEqual([a!.address, false]);
    expect(await accepts('127.0.0.1', port)).toBe(true);
  });

  it('its Postgres wire server refuses any password but the one made at start (kept 0600 in DATA_DIR)', async () => {
    const file = join(dataDir, 'postgres-url');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const url = new URL(readFileSync(file, 'utf8').trim());
    expect(url.password.length).toBeGreaterThanOrEqual(24);
    const as = (password: string) =>
      new Client({
        host: url.hostname,
        port: Number(url.port),
        user: 'postgres',
        database: 'postgres',
        password,
      });
    const intruder = as('postgres');
    await expect(intruder.connect()).rejects.toMatchObject({ code: '28P01' });
    await intruder.end().catch(() => undefined);
    const owner = as(decodeURIComponent(url.password));
    await owner.connect();
    try {
      expect((await owner.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await owner.end();
    }
  });

  it('exports its spans to OTEL_EXPORTER_OTLP_ENDPOINT, named llmgov-embedded', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/v1/models`)).status).toBe(401);
    await waitFor(
      () => {
        const traces = received.filter((r) => r.url === '/v1/traces');
        expect(Buffer.concat(traces.map((t) => t.body)).includes('llmgov-embedded')).toBe(true);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
  });
});
