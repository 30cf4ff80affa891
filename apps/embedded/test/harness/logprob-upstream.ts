import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake OpenAI chat upstream that answers with token log-probabilities when asked: it echoes
 * the last user message, each word a token of probability 0.95 — 0.3 when the message says
 * `unsure`, and no log-probabilities at all when it says `nologprobs`. Counts its calls.
 */
export interface LogprobUpstream {
  /** The base URL (ends in `/v1`). */
  url: string;
  /** The request bodies received, in order. */
  calls: Record<string, unknown>[];
  close(): Promise<void>;
}

function lastUserText(body: { messages?: { role: string; content: unknown }[] }): string {
  const user = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  return typeof user?.content === 'string' ? user.content : '';
}

export async function logprobUpstream(): Promise<LogprobUpstream> {
  const state: LogprobUpstream = { url: '', calls: [], close: async () => {} };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    state.calls.push(body);
    const text = lastUserText(body as never);
    const p = /\bunsure\b/.test(text) ? 0.3 : 0.95;
    const tokens = text.match(/\S+\s*/g) ?? [];
    const logprobs =
      body.logprobs === true && !/\bnologprobs\b/.test(text)
        ? {
            content: tokens.map((token) => ({
              token,
              logprob: Math.log(p),
              bytes: [...Buffer.from(token)],
              top_logprobs: [],
            })),
            refusal: null,
          }
        : null;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-fake-${state.calls.length}`,
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text },
            finish_reason: 'stop',
            logprobs,
          },
        ],
        usage: {
          prompt_tokens: 10,
          completion_tokens: tokens.length,
          total_tokens: 10 + tokens.length,
        },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  };
  return state;
}
