import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

/**
 * A fake OpenAI-compatible upstream on 127.0.0.1. A user message `fast <p> <c>` is answered at
 * once with usage `{prompt_tokens: p, completion_tokens: c}`; any other request is held (never
 * answered) until `dropHeld()` destroys its connection — a slow upstream, for killing a gateway
 * while its requests are in flight.
 */
export interface SlowUpstream {
  /** The base URL for `OPENAI_BASE_URL` (ends in `/v1`). */
  url: string;
  /** Usages of the answers sent. */
  answered: Usage[];
  /** Requests being held. */
  held(): number;
  dropHeld(): void;
  close(): Promise<void>;
}

export async function slowUpstream(): Promise<SlowUpstream> {
  const answered: Usage[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      model: string;
      messages: { content: string }[];
    };
    const fast = /^fast (\d+) (\d+)$/.exec(body.messages.at(-1)?.content ?? '');
    if (!fast) {
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    const usage = { prompt_tokens: Number(fast[1]), completion_tokens: Number(fast[2]) };
    answered.push(usage);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-slow',
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [
          { index: 0, message: { role: 'assistant', content: 'done' }, finish_reason: 'stop' },
        ],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    answered,
    held: () => held.size,
    dropHeld: () => {
      for (const res of held) res.socket?.destroy();
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
