import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake OpenAI-compatible deployment on 127.0.0.1: answers chat completions (streamed or not)
 * naming itself in the content, or 503 while `down` is set. Records the authorization header of each request.
 */
export interface FakeDeployment {
  /** The base URL (ends in `/v1`). */
  url: string;
  down: boolean;
  /** Requests received (answered or not), with their authorization header. */
  hits: { status: number; authorization: string | undefined }[];
  close(): Promise<void>;
}

export async function fakeDeployment(name: string): Promise<FakeDeployment> {
  const state: FakeDeployment = { url: '', down: false, hits: [], close: async () => {} };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      model: string;
      stream?: boolean;
    };
    const status = state.down ? 503 : 200;
    state.hits.push({ status, authorization: req.headers.authorization });
    if (body.stream && !state.down) {
      const chunk = (delta: object, finish: string | null, usage?: object) =>
        `data: ${JSON.stringify({ id: `chatcmpl-${name}`, object: 'chat.completion.chunk', created: 1, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: `from ${name}` }, null));
      res.write(chunk({}, 'stop', { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }));
      res.end('data: [DONE]\n\n');
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        state.down
          ? { error: { message: `${name} is down`, type: 'server_error' } }
          : {
              id: `chatcmpl-${name}`,
              object: 'chat.completion',
              created: 1,
              model: body.model,
              choices: [
                {
                  index: 0,
                  message: { role: 'assistant', content: `from ${name}` },
                  finish_reason: 'stop',
                },
              ],
              usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
            },
      ),
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
