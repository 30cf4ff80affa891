import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { requestsTopic } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import { chunk, startGateway, type GatewayHarness } from './gateway-harness';

/** What the fake upstream does with one request: it writes the response itself, misbehaving as the test needs. */
type Behaviour = (body: Record<string, unknown>, res: ServerResponse) => Promise<void> | void;

/** An OpenAI-compatible upstream that misbehaves on purpose (ignores max_tokens, trickles, sends malformed SSE). */
async function misbehavingUpstream(): Promise<{ url: string; behave: Behaviour; server: Server }> {
  const fake = {
    url: '',
    behave: (() => undefined) as Behaviour,
    server: null as unknown as Server,
  };
  fake.server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const c of req) raw += c;
    await fake.behave(JSON.parse(raw) as Record<string, unknown>, res);
  });
  await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/v1`;
  return fake;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const open = (res: ServerResponse) => !res.destroyed && !res.writableEnded;
const drainedOrClosed = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
const sseHead = (res: ServerResponse) =>
  res.writeHead(200, { 'content-type': 'text/event-stream' });
const data = (event: unknown) =>
  `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`;

/** Sends SSE events one write each, `gapMs` apart, then `[DONE]` (ignoring max_tokens: all of them). */
async function sendEvents(res: ServerResponse, events: unknown[], gapMs = 2): Promise<void> {
  sseHead(res);
  for (const e of events) {
    if (!open(res)) return;
    res.write(data(e));
    await sleep(gapMs);
  }
  if (open(res)) res.end('data: [DONE]\n\n');
}

/** The SSE `data:` payloads of a response body, in order. */
const eventsOf = (text: string): string[] =>
  text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));
const contentOf = (events: string[]): string =>
  events
    .filter((e) => e !== '[DONE]')
    .map(
      (e) =>
        (JSON.parse(e) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta
          ?.content ?? '',
    )
    .join('');
const errorOf = (events: string[]) =>
  events
    .map((e) => (e === '[DONE]' ? null : (JSON.parse(e) as { error?: { code: string } }).error))
    .find(Boolean) ?? null;

describe.each([['in-process'], ['kafka']] as const)(
  'bounded streams and requests (%s bus, misbehaving upstream)',
  (kind) => {
    let gw: GatewayHarness;
    let upstream: Awaited<ReturnType<typeof misbehavingUpstream>>;
    const DEADLINE_MS = 2_000;
    const REQUEST_TIMEOUT_MS = 1_000;
    const post = (secret: string, body: unknown, signal?: AbortSignal) =>
      fetch(`${gw.base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
    const completedOf = (requestId: string) => {
      for (const e of gw.seen(requestsTopic))
        if (e.type === 'request.completed' && e.data.request_id === requestId) return e;
      return undefined;
    };

    beforeAll(async () => {
      upstream = await misbehavingUpstream();
      gw = await startGateway(
        kind,
        { OPENAI_API_KEY: 'sk-upstream-test-key-222222222222', OPENAI_BASE_URL: upstream.url },
        null,
        undefined,
        undefined,
        {
          gateway: { requestDeadlineMs: DEADLINE_MS },
          requestTimeoutMs: REQUEST_TIMEOUT_MS,
        },
      );
    });
    afterAll(async () => {
      await gw?.close();
      upstream?.server.closeAllConnections();
      await new Promise((r) => upstream?.server.close(r));
    });

    describe('chunk for chunk (issue 14 item 4)', () => {
      it('relays each upstream SSE event as one event: 9 in, 9 out (+[DONE]), words split across events', async () => {
        const t = await gw.tenant({ plan: 'growth' }); // PII scanning on: the stream redactor holds partial words
        const usage = {
          ...chunk(null),
          choices: [],
          usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
        };
        const nine = [
          {
            ...chunk(''),
            choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
          },
          chunk('Hel'),
          chunk('lo wor'),
          chunk('ld, how'),
          chunk(' are'),
          chunk(' you'),
          chunk('?'),
          chunk(null, 'stop'),
          usage,
        ];
        upstream.behave = (_b, res) => sendEvents(res, nine, 10);
        const res = await post(t.secret, {
          model: 'gpt-4o-mini',
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: 'hi' }],
        });
        const events = eventsOf(await res.text());
        expect(events.at(-1)).toBe('[DONE]');
        expect(events).toHaveLength(10);
        expect(contentOf(events)).toBe('Hello world, how are you?');
        expect(JSON.parse(events[8]!)).toMatchObject({ usage: { completion_tokens: 7 } });
      });
    });

    describe('malformed upstream SSE (issue 17 item 10)', () => {
      it('relays the valid events, then an error event and a defined stop, never an empty 200', async () => {
        const t = await gw.tenant({ plan: 'growth' });
        // Valid events and a malformed one in the same network read.
        upstream.behave = (_b, res) => {
          sseHead(res);
          res.end(
            data(chunk('Hello ')) +
              data(chunk('world. ')) +
              'data: {"id":"chatcmpl-fake","choices":[{"index":0,"delta":{"content":"tru\n\n' +
              data(chunk('never')),
          );
        };
        const res = await post(t.secret, {
          model: 'gpt-4o-mini',
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        });
        expect(res.status).toBe(200);
        const events = eventsOf(await res.text());
        expect(contentOf(events)).toBe('Hello world. ');
        expect(errorOf(events)).toMatchObject({ code: 'upstream_error' });
        expect(JSON.parse(events.at(-3)!)).toMatchObject({
          choices: [{ finish_reason: 'content_filter' }],
        });
        expect(events.at(-1)).toBe('[DONE]');
        const requestId = res.headers.get('x-request-id')!;
        await waitFor(() =>
          expect(completedOf(requestId)?.data).toMatchObject({ outcome: 'upstream_error' }),
        );
      });

      it('answers an error event when the very first event is malformed', async () => {
        const t = await gw.tenant({ plan: 'growth' });
        upstream.behave = (_b, res) => sendEvents(res, ['{not json', chunk('late')]);
        const res = await post(t.secret, {
          model: 'gpt-4o-mini',
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        });
        const events = eventsOf(await res.text());
        expect(errorOf(events)).toMatchObject({ code: 'upstream_error' });
        expect(events.at(-1)).toBe('[DONE]');
        expect(contentOf(events)).toBe('');
      });
    });

    describe('streams reserve what they spend (issue 17 item 4)', () => {
      // gpt-4o-mini: 0.6 µ$ per output token. One event = 100 characters = 25 tokens = 15 µ$; the prompt is ~1.2 µ$.
      const EVENT_TEXT = (i: number) => ` e${String(i).padStart(2, '0')}${'x'.repeat(96)}`;
      const EVENT_MICRO_USD = 15;
      const talkative = (count: number) =>
        Array.from({ length: count }, (_, i) => chunk(EVENT_TEXT(i)));

      it('cuts before the event that would cross the budget: that event is not delivered', async () => {
        const t = await gw.tenant({ plan: 'growth', settings: { daily_budget_usd: 0.0001 } }); // 100 µ$
        upstream.behave = (_b, res) => sendEvents(res, [...talkative(40), chunk(null, 'stop')]);
        const res = await post(t.secret, {
          model: 'gpt-4o-mini',
          stream: true,
          max_tokens: 10,
          messages: [{ role: 'user', content: 'talk' }],
        });
        const events = eventsOf(await res.text());
        expect(errorOf(events)).toMatchObject({ code: 'budget_limit' });
        // 1.2 + 6 × 15 = 91.2 µ$ fits the 100 µ$ budget; a 7th event (106.2 µ$) would not.
        const text = contentOf(events);
        expect(text).toBe([0, 1, 2, 3, 4, 5].map(EVENT_TEXT).join(''));
        expect(text).not.toContain('e06');
        const requestId = res.headers.get('x-request-id')!;
        await waitFor(() => expect(completedOf(requestId)?.data.outcome).toBe('cut'));
        expect(gw.service.views.book.reservation(requestId)).toBeNull();
      });

      it('keeps N concurrent streams within the budget plus one upstream event each', async () => {
        const N = 8;
        const BUDGET_MICRO_USD = 200;
        const t = await gw.tenant({
          plan: 'growth',
          settings: { daily_budget_usd: BUDGET_MICRO_USD / 1e6 },
        });
        upstream.behave = (_b, res) => sendEvents(res, [...talkative(60), chunk(null, 'stop')], 3);
        const answers = await Promise.all(
          Array.from({ length: N }, async () => {
            const res = await post(t.secret, {
              model: 'gpt-4o-mini',
              stream: true,
              max_tokens: 10,
              messages: [{ role: 'user', content: 'talk' }],
            });
            await res.text();
            return res.headers.get('x-request-id');
          }),
        );
        const ids = answers.filter((id): id is string => id !== null);
        await waitFor(() => expect(ids.every((id) => completedOf(id))).toBe(true));
        const charged = ids.reduce((sum, id) => sum + completedOf(id)!.data.cost_micro_usd, 0);
        // Documented bound (docs/budgets.md): the budget + per cut stream the one event it withheld (+1 µ$ rounding).
        expect(charged).toBeLessThanOrEqual(BUDGET_MICRO_USD + N * (EVENT_MICRO_USD + 1));
        expect(gw.service.views.book.openReservations).toBe(0);
      });
    });

    describe('deadlines and disconnects (issue 17 item 9)', () => {
      it('answers 504 upstream_timeout when a non-streamed answer trickles past the request deadline', async () => {
        const t = await gw.tenant({ plan: 'growth' });
        upstream.behave = async (_b, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{');
          while (open(res)) {
            res.write(' ');
            await sleep(100);
          }
        };
        const started = Date.now();
        const res = await post(
          t.secret,
          { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
          AbortSignal.timeout(DEADLINE_MS * 4),
        );
        expect(res.status).toBe(504);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
          'upstream_timeout',
        );
        expect(Date.now() - started).toBeLessThan(DEADLINE_MS * 3);
        const requestId = res.headers.get('x-request-id')!;
        await waitFor(() => expect(completedOf(requestId)?.data.http_status).toBe(504));
        expect(gw.service.views.book.reservation(requestId)).toBeNull();
      });

      it('stops a stream that passes the request deadline with an error event', async () => {
        const t = await gw.tenant({ plan: 'growth' });
        upstream.behave = async (_b, res) => {
          sseHead(res);
          res.write(data(chunk('first ')));
          while (open(res)) {
            res.write(': still thinking\n\n');
            await sleep(100);
          }
        };
        const res = await post(
          t.secret,
          { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] },
          AbortSignal.timeout(DEADLINE_MS * 4),
        );
        const events = eventsOf(await res.text());
        expect(contentOf(events)).toBe('first ');
        expect(errorOf(events)).toMatchObject({ code: 'upstream_timeout' });
        expect(events.at(-1)).toBe('[DONE]');
      });

      it('closes a request whose body trickles past the request timeout', async () => {
        const socket = connect(Number(new URL(gw.base).port), '127.0.0.1');
        await new Promise((r) => socket.once('connect', r));
        socket.write(
          'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
            'content-length: 1000\r\n\r\n{"model":',
        );
        let answer = '';
        socket.on('data', (d) => (answer += d));
        const closed = await Promise.race([
          new Promise((r) => socket.once('close', () => r(true))),
          sleep(REQUEST_TIMEOUT_MS * 8).then(() => false),
        ]);
        socket.destroy();
        expect(closed).toBe(true);
        expect(answer).toMatch(/^HTTP\/1.1 408/);
      });

      it('settles a stream whose client pauses then disconnects: request.completed, reservation released', async () => {
        const t = await gw.tenant({ plan: 'growth' });
        let sent = 0;
        upstream.behave = async (_b, res) => {
          sseHead(res);
          const piece = data(chunk('lorem ipsum dolor sit amet '.repeat(40)));
          while (open(res)) {
            sent += piece.length;
            if (!res.write(piece)) await drainedOrClosed(res);
          }
        };
        const requestId = await new Promise<string>((resolve, reject) => {
          const req = httpRequest(
            `${gw.base}/v1/chat/completions`,
            {
              method: 'POST',
              headers: { authorization: `Bearer ${t.secret}`, 'content-type': 'application/json' },
            },
            (res) => {
              res.once('data', () => {
                res.pause(); // the client stops reading: the gateway's writes back up
                setTimeout(() => {
                  req.destroy(); // …then goes away
                  resolve(String(res.headers['x-request-id']));
                }, 1_500);
              });
            },
          );
          req.on('error', () => undefined);
          req.once('response', () => undefined);
          req.end(
            JSON.stringify({
              model: 'gpt-4o-mini',
              stream: true,
              messages: [{ role: 'user', content: 'hi' }],
            }),
          );
          setTimeout(() => reject(new Error('no response')), 10_000).unref();
        });
        expect(sent).toBeGreaterThan(0);
        await waitFor(() => expect(completedOf(requestId)).toBeDefined(), { timeoutMs: 5_000 });
        expect(gw.service.views.book.reservation(requestId)).toBeNull();
      });
    });
  },
);
