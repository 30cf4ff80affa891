import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Agent, Pool } from './undici';

const ROOT = join(__dirname, '..', '..', '..', '..');

describe("undici's pool and agent without the package's index", () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, url: req.url, body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('a Pool sends requests and reads their answers (the request API is on its prototype)', async () => {
    const pool = new Pool(origin, { connections: 2 });
    try {
      const res = await pool.request({ path: '/v1/chat/completions', method: 'POST', body: 'hi' });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toEqual({
        method: 'POST',
        url: '/v1/chat/completions',
        body: 'hi',
      });
    } finally {
      await pool.close();
    }
  });

  it('an Agent sends a request to any origin', async () => {
    const agent = new Agent();
    try {
      const res = await agent.request({ origin, path: '/approvals/a/consume?x=1', method: 'PUT' });
      expect(await res.body.json()).toMatchObject({
        method: 'PUT',
        url: '/approvals/a/consume?x=1',
      });
    } finally {
      await agent.close();
    }
  });

  it("loads neither undici's index nor its fetch (a fresh process)", () => {
    const script = `
      require('./apps/gateway/src/providers/undici');
      const loaded = Object.keys(require.cache).filter((f) => f.includes('/node_modules/undici/'));
      process.stdout.write(JSON.stringify(loaded.map((f) => f.split('/node_modules/undici/')[1])));`;
    const loaded = JSON.parse(
      execFileSync(process.execPath, ['-r', './tools/register.cjs', '-e', script], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ) as string[];
    expect(loaded).toContain('lib/dispatcher/pool.js');
    expect(loaded).not.toContain('index.js');
    expect(loaded.filter((f) => f.startsWith('lib/web/'))).toEqual([]);
  });
});
