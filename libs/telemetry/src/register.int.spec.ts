import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const probe = join(__dirname, 'testing', 'register-probe.ts');

interface Report {
  tracing: boolean;
  sdkLoaded: boolean;
  kafkaPatched: boolean;
  httpPatched: boolean;
  traceparent: string | null;
}

/** Runs the probe as a service runs main.ts: `node -r tools/register.cjs`, with only the given OTEL_* variables. */
function runProbe(otel: Record<string, string>): Promise<Report> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')),
  );
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-r', join(root, 'tools', 'register.cjs'), probe],
      { cwd: root, env: { ...env, ...otel }, timeout: 30000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Report);
      },
    );
  });
}

describe('@llmgov/telemetry/register', () => {
  it('with no OTEL_* variable: starts nothing, loads no SDK, patches nothing', async () => {
    const report = await runProbe({});
    expect(report).toEqual({
      tracing: false,
      sdkLoaded: false,
      kafkaPatched: false,
      httpPatched: false,
      traceparent: null,
    });
  });

  it('with OTEL_TRACES_EXPORTER=none: stays off even with an endpoint', async () => {
    const report = await runProbe({
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(report.tracing).toBe(false);
    expect(report.sdkLoaded).toBe(false);
  });

  describe('with an OTLP endpoint', () => {
    const received: { url: string; body: Buffer }[] = [];
    let collector: Server;
    let endpoint: string;
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
      endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

    it('patches http loaded after it (not kafkajs), propagates W3C context and exports spans with the service name', async () => {
      const report = await runProbe({
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_SERVICE_NAME: 'llmgov-probe',
      });
      // kafkajs stays unpatched: @llmgov/messaging's own send/process spans and traceparent
      // headers are the source of truth, and the instrumentation would duplicate them.
      expect(report).toMatchObject({
        tracing: true,
        sdkLoaded: true,
        kafkaPatched: false,
        httpPatched: true,
      });
      expect(report.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      const traces = received.filter((r) => r.url === '/v1/traces');
      expect(traces.length).toBeGreaterThan(0);
      const body = Buffer.concat(traces.map((t) => t.body));
      expect(body.includes('llmgov-probe')).toBe(true);
      expect(body.includes('probe-span')).toBe(true);
      // OTLP protobuf carries ids as raw bytes: the exported span is the one whose context was propagated.
      const [, traceId, spanId] = report.traceparent!.split('-');
      expect(body.includes(Buffer.from(traceId, 'hex'))).toBe(true);
      expect(body.includes(Buffer.from(spanId, 'hex'))).toBe(true);
    });
  });
});
