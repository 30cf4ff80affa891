import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../forward/gateway';
import type { HttpIn, HttpOut } from '../forward/http';
import { documentPaths } from '@llmgov/service-kit';
import { messages } from '../forward/messages';
import { completions } from '../forward/completions';
import { responses } from '../forward/responses';
import { embeddings } from '../forward/embeddings';
import { GATEWAY_OPENAPI_PATHS } from './openapi';

/** Above every plan's body limit (enterprise: 50 MB); the plan's own limit is checked by request_limits. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/**
 * Bodies declared at most this size are read and left to request_limits (same 413 answer):
 * resolving the caller's plan limit before parsing costs a key lookup per request, worth it
 * only to avoid buffering a large body.
 */
const READ_BEFORE_LIMIT_BYTES = 64 * 1024;
/** From a request read to the last byte of its answer; below the reservation TTL (10 min). */
export const DEFAULT_REQUEST_DEADLINE_MS = 300_000;

const openAiError = (status: number, code: string, message: string) => ({
  error: {
    message,
    type: 'invalid_request_error',
    code,
    param: null,
    step: null,
    remediation: null,
  },
  status,
});

/** Resolves when the socket can take more, or when it closed (a destroyed socket never drains). */
const drainedOrClosed = (res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

async function write(reply: FastifyReply, out: HttpOut): Promise<void> {
  if ('body' in out) {
    await reply.code(out.status).headers(out.headers).send(out.body);
    return;
  }
  reply.hijack();
  const res = reply.raw;
  res.writeHead(out.status, out.headers);
  try {
    // Leaving the loop early (the client went away) returns the stream: its relay settles and reports.
    for await (const piece of out.stream) {
      if (res.destroyed) break;
      if (!res.write(piece)) await drainedOrClosed(res);
      if (res.destroyed) break;
    }
  } finally {
    res.end();
  }
}

/**
 * The request as the gateway sees it. Its signal aborts when the client goes away, or with a
 * `TimeoutError` when the request deadline passes (`REQUEST_DEADLINE_MS`, from the body read to the
 * last byte of the answer, streamed or not).
 */
function inputOf(req: FastifyRequest, reply: FastifyReply, deadlineMs: number): HttpIn {
  const abort = new AbortController();
  const passed = () =>
    abort.abort(new DOMException(`request deadline of ${deadlineMs} ms passed`, 'TimeoutError'));
  const deadline = setTimeout(passed, deadlineMs);
  deadline.unref();
  reply.raw.once('close', () => {
    clearTimeout(deadline);
    if (!reply.raw.writableFinished) abort.abort();
  });
  return {
    headers: req.headers,
    body: Buffer.isBuffer(req.body) ? req.body : null,
    signal: abort.signal,
  };
}

/**
 * `/v1/*` as plain Fastify routes in their own scope (no Nest pipes on the hot path): the
 * body arrives as a Buffer (parsed once, by request_limits, after the plan's size check),
 * whatever its content type.
 */
export function registerGatewayRoutes(
  app: FastifyInstance,
  gateway: Gateway,
  requestDeadlineMs: number = DEFAULT_REQUEST_DEADLINE_MS,
): void {
  const input = (req: FastifyRequest, reply: FastifyReply) =>
    inputOf(req, reply, requestDeadlineMs);
  documentPaths(app, GATEWAY_OPENAPI_PATHS);
  const govern = (i: HttpIn) => gateway.chat(i);
  const keyKnown = (headers: HttpIn['headers']) => gateway.bodyLimitFor(headers) !== null;
  /** Each POST route and how it is answered: the other APIs are governed as the chat request they translate to. */
  const posts: Record<string, (i: HttpIn) => HttpOut | Promise<HttpOut>> = {
    '/v1/chat/completions': govern,
    '/v1/messages': (i) => messages(govern, i, keyKnown),
    '/v1/responses': (i) => responses((x, call) => gateway.chat(x, call), i, keyKnown),
    '/v1/completions': (i) => completions(govern, i, keyKnown),
    '/v1/embeddings': (i) => embeddings((x, call) => gateway.chat(x, call), i, keyKnown),
    '/v1/governance/explain': (i) => gateway.explain(i),
  };
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES },
      (_req, body, done) => done(null, body),
    );
    scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
      const status = err.statusCode ?? 500;
      if (status === 413)
        return reply
          .code(413)
          .send(
            openAiError(413, 'body_too_large', `Request body exceeds ${MAX_BODY_BYTES} bytes.`),
          );
      if (status < 500)
        return reply.code(status).send(openAiError(status, 'invalid_request', err.message));
      return reply.code(500).send({
        error: {
          message: 'Internal gateway error.',
          type: 'api_error',
          code: 'internal_error',
          param: null,
        },
        status: 500,
      });
    });
    // Body size limit before reading the body: a declared Content-Length over the caller's plan
    // limit is refused (413, full governance answer) without buffering it.
    scope.addHook('preParsing', async (req, reply, payload) => {
      const declared = Number(req.headers['content-length']);
      if (!(declared > READ_BEFORE_LIMIT_BYTES)) return payload;
      const limit = gateway.bodyLimitFor(req.headers);
      if (limit === null || declared <= limit) return payload;
      const answer = posts[req.url.split('?')[0]!] ?? govern;
      const out = await answer({ ...input(req, reply), declaredSize: declared });
      reply.header('connection', 'close');
      await write(reply, out);
      return payload;
    });
    for (const [path, answer] of Object.entries(posts)) {
      scope.post(path, async (req, reply) => write(reply, await answer(input(req, reply))));
    }
    scope.get('/v1/models', async (req, reply) => write(reply, gateway.models(input(req, reply))));
  });
}
