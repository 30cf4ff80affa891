import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayService } from '@llmgov/gateway';
import { newSecret } from '@llmgov/service-kit';
import { freePort, waitFor } from '@llmgov/testing';
import { loadConfig } from '../src/config';
import { startEmbedded, type Embedded } from '../src/embedded';
import { OrgAdmin, admin } from './harness/admin';

/** A fake OpenAI-compatible upstream whose behaviour each test sets (it writes the response itself). */
async function misbehavingUpstream(): Promise<{
  url: string;
  server: Server;
  behave: (res: ServerResponse) => unknown;
}> {
  const fake = {
    url: '',
    server: null as unknown as Server,
    behave: (_res: ServerResponse): unknown => undefined,
  };
  fake.server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    for await (const _ of req) void _;
    await fake.behave(res);
  });
  await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/v1`;
  return fake;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const open = (res: ServerResponse) => !res.destroyed && !res.writableEnded;
const chunk = (content: string | null, finish: string | null = null) => ({
  id: 'chatcmpl-fake',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
});
async function sendEvents(res: ServerResponse, events: unknown[], gapMs = 3): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const e of events) {
    if (!open(res)) return;
    res.write(`data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`);
    await sleep(gapMs);
  }
  if (open(res)) res.end('data: [DONE]\n\n');
}
const eventsOf = (text: string): string[] =>
  text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));
const errorCodeOf = (events: string[]) =>
  events
    .map((e) =>
      e === '[DONE]' ? undefined : (JSON.parse(e) as { error?: { code: string } }).error?.code,
    )
    .find(Boolean);

describe('bounded streams and requests — embedded mode (in-process bus, PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-bounded-'));
  const bootstrapKey = newSecret('msh');
  const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
  let upstream: Awaited<ReturnType<typeof misbehavingUpstream>>;
  let embedded: Embedded;
  let base = '';
  let org: OrgAdmin;
  let key = '';
  const stream = (body: Record<string, unknown> = {}) =>
    fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        max_tokens: 10,
        messages: [{ role: 'user', content: 'talk' }],
        ...body,
      }),
    });

  beforeAll(async () => {
    upstream = await misbehavingUpstream();
    process.env.OPENAI_API_KEY = 'sk-e2e-upstream-bounded-000000000000';
    process.env.OPENAI_BASE_URL = upstream.url;
    const port = await freePort();
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      BOOTSTRAP_ADMIN_KEY: bootstrapKey,
      DEMO: 'off',
      LOG_LEVEL: 'error',
    };
    embedded = await startEmbedded(
      loadConfig({ ...env, HTTP_REQUEST_TIMEOUT_MS: '1000', REQUEST_DEADLINE_MS: '2000' }),
    );
    base = `http://127.0.0.1:${port}`;
    org = await OrgAdmin.create(base, bootstrapKey);
    key = (await org.key({ kind: 'gateway', name: 'bounded' })).key;
    await org.settings({
      daily_budget_usd: 0.0002,
      key_rpm: 100_000,
      rate_limit_rpm: 100_000,
      burst_pct: 0,
    });
    await org.untilEnforced([base], key);
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    upstream?.server.closeAllConnections();
    await new Promise((r) => upstream?.server.close(r));
    process.env.OPENAI_API_KEY = saved.key;
    process.env.OPENAI_BASE_URL = saved.url;
    if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
    if (saved.url === undefined) delete process.env.OPENAI_BASE_URL;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('relays 9 upstream events as 9 events (+[DONE]); a malformed event ends with an error event', async () => {
    const usage = {
      ...chunk(null),
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    };
    const nine = [
      chunk(''),
      chunk('Hel'),
      chunk('lo wor'),
      chunk('ld, how'),
      chunk(' are'),
      chunk(' you'),
      chunk('?'),
      chunk(null, 'stop'),
      usage,
    ];
    upstream.behave = (res) => sendEvents(res, nine);
    const ok = eventsOf(await (await stream({ stream_options: { include_usage: true } })).text());
    expect(ok).toHaveLength(10);
    expect(ok.at(-1)).toBe('[DONE]');

    upstream.behave = (res) => sendEvents(res, ['{"choices": [', chunk('late')]);
    const bad = await stream();
    expect(bad.status).toBe(200);
    const events = eventsOf(await bad.text());
    expect(errorCodeOf(events)).toBe('upstream_error');
    expect(events.at(-1)).toBe('[DONE]');
  });

  it('answers 408 to a request body that trickles past HTTP_REQUEST_TIMEOUT_MS', async () => {
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 500\r\n\r\n{"model":',
    );
    let answer = '';
    socket.on('data', (d) => (answer += d));
    const closed = await Promise.race([
      new Promise((r) => socket.once('close', () => r(true))),
      sleep(8_000).then(() => false),
    ]);
    socket.destroy();
    expect(closed).toBe(true);
    expect(answer).toMatch(/^HTTP\/1.1 408/);
  });

  it('answers 504 upstream_timeout when a non-streamed answer trickles past REQUEST_DEADLINE_MS', async () => {
    upstream.behave = async (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      while (open(res)) {
        res.write(' ');
        await sleep(100);
      }
    };
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      signal: AbortSignal.timeout(8_000),
    });
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_timeout');
  });

  it('keeps 8 concurrent streams ignoring max_tokens within the budget (+1 event each), per the ledger', async () => {
    // 100-character events = 25 tokens × 0.6 µ$ = 15 µ$ each; the budget is 200 µ$.
    const text = (i: number) => ` e${String(i).padStart(2, '0')}${'x'.repeat(96)}`;
    upstream.behave = (res) =>
      sendEvents(res, [
        ...Array.from({ length: 60 }, (_, i) => chunk(text(i))),
        chunk(null, 'stop'),
      ]);
    const answers = await Promise.all(
      Array.from({ length: 8 }, async () => (await stream()).text()),
    );
    expect(answers.some((a) => errorCodeOf(eventsOf(a)) === 'budget_limit')).toBe(true);
    const gateway = embedded.app.get(GatewayService);
    await waitFor(() => expect(gateway.views.book.openReservations).toBe(0), { timeoutMs: 10_000 });
    const spent = await waitFor(
      async () => {
        type Row = {
          code: string;
          scope: string;
          spent_micro_usd: number;
          reserved_micro_usd: number;
        };
        const rows = await admin<Row[]>(`${base}/budgets/status`, org.org.ownerKey);
        const row = rows.find((r) => r.code === 'daily_budget' && r.scope === 'org')!;
        expect(row.reserved_micro_usd).toBe(0);
        expect(row.spent_micro_usd).toBeGreaterThan(150);
        return row.spent_micro_usd;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(spent).toBeLessThanOrEqual(200 + 8 * 16);
  });
});
