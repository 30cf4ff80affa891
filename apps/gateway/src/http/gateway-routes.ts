import { once } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../forward/gateway';
import type { HttpIn, HttpOut } from '../forward/http';
import { addOpenApiPaths } from '@llmgov/service-kit';
import { GATEWAY_OPENAPI_PATHS } from './gateway-openapi';

/** Above every plan's body limit (enterprise: 50 MB); the plan's own limit is checked by request_limits. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/**
 * Bodies declared at most this size are read and left to request_limits (same 413 answer):
 * resolving the caller's plan limit before parsing costs a key lookup per request, worth it
 * only to avoid buffering a large body.
 */
const READ_BEFORE_LIMIT_BYTES = 64 * 1024;

const openAiError = (status: number, code: string, message: string) => ({ error: { message, type: 'invalid_request_error', code, param: null, step: null, remediation: null }, status });

async function write(reply: FastifyReply, out: HttpOut): Promise<void> {
  if ('body' in out) {
    await reply.code(out.status).headers(out.headers).send(out.body);
    return;
  }
  reply.hijack();
  const res = reply.raw;
  res.writeHead(out.status, out.headers);
  try {
    for await (const piece of out.stream) {
      if (res.destroyed) break;
      if (!res.write(piece)) await once(res, 'drain');
    }
  } finally {
    res.end();
  }
}

function input(req: FastifyRequest, reply: FastifyReply): HttpIn {
  const abort = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  return { headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body : null, signal: abort.signal };
}

/**
 * `/v1/*` as plain Fastify routes in their own scope (no Nest pipes on the hot path): the
 * body arrives as a Buffer (parsed once, by request_limits, after the plan's size check),
 * whatever its content type.
 */
export function registerGatewayRoutes(app: FastifyInstance, gateway: Gateway): void {
  addOpenApiPaths(app, GATEWAY_OPENAPI_PATHS);
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
      const status = err.statusCode ?? 500;
      if (status === 413) return reply.code(413).send(openAiError(413, 'body_too_large', `Request body exceeds ${MAX_BODY_BYTES} bytes.`));
      if (status < 500) return reply.code(status).send(openAiError(status, 'invalid_request', err.message));
      return reply.code(500).send({ error: { message: 'Internal gateway error.', type: 'api_error', code: 'internal_error', param: null }, status: 500 });
    });
    // Body size limit before reading the body: a declared Content-Length over the caller's plan
    // limit is refused (413, full governance answer) without buffering it.
    scope.addHook('preParsing', async (req, reply, payload) => {
      const declared = Number(req.headers['content-length']);
      if (!(declared > READ_BEFORE_LIMIT_BYTES)) return payload;
      const limit = gateway.bodyLimitFor(req.headers);
      if (limit === null || declared <= limit) return payload;
      const out = req.url.startsWith('/v1/governance/explain') ? gateway.explain({ ...input(req, reply), declaredSize: declared }) : await gateway.chat({ ...input(req, reply), declaredSize: declared });
      reply.header('connection', 'close');
      await write(reply, out);
      return payload;
    });
    scope.post('/v1/chat/completions', async (req, reply) => write(reply, await gateway.chat(input(req, reply))));
    scope.post('/v1/governance/explain', async (req, reply) => write(reply, gateway.explain(input(req, reply))));
    scope.get('/v1/models', async (req, reply) => write(reply, gateway.models(input(req, reply))));
  });
}
