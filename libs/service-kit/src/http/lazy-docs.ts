import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withDocumentedPaths } from './openapi-paths';

/** Headers of the inner answer that describe its own connection, not the content. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

/**
 * `/docs` (Swagger UI), `/docs-json` and `/docs-yaml`, set up on their first request.
 * Requiring `@nestjs/swagger` costs every service ~7–12 MB of RSS and ~0.2 s of start-up
 * (issue 14's idle RSS target is 150 MB for the gateway), for pages an operator opens now
 * and then. So the routes are registered at boot and answer by injecting each request into
 * a Fastify instance of their own, which never listens: built on the first docs request
 * with Nest's `SwaggerModule.setup` as before (the same pages, assets and documents), the
 * document generated from the running app then. A build that fails is retried on the next
 * request.
 */
export function serveDocsLazily(app: INestApplication, name: string, ui: boolean): void {
  const server = app.getHttpAdapter().getInstance() as FastifyInstance;
  let docs: Promise<FastifyInstance> | undefined;
  const built = () =>
    (docs ??= buildDocs(app, server, name, ui).catch((error: unknown) => {
      docs = undefined;
      throw error;
    }));
  const forward = async (req: FastifyRequest, reply: FastifyReply) => {
    const res = await (
      await built()
    ).inject({
      method: req.method as 'GET',
      url: req.url,
      headers: req.headers,
    });
    for (const [header, value] of Object.entries(res.headers))
      if (value !== undefined && !HOP_HEADERS.has(header)) reply.header(header, value);
    return reply.code(res.statusCode).send(res.rawPayload);
  };
  for (const url of ['/docs', '/docs/*', '/docs-json', '/docs-yaml']) server.get(url, forward);
}

async function buildDocs(
  app: INestApplication,
  server: FastifyInstance,
  name: string,
  ui: boolean,
): Promise<FastifyInstance> {
  const { DocumentBuilder, SwaggerModule } =
    require('@nestjs/swagger') as typeof import('@nestjs/swagger');
  const config = new DocumentBuilder()
    .setTitle(`LLM governance gateway — ${name}`)
    .setDescription(
      'Routes of CONTRACT.md. Admin routes take `Authorization: Bearer msh_…` or a JWT; gateway routes take a `gk_…` key.',
    )
    .addBearerAuth()
    .build();
  const adapter = new FastifyAdapter();
  // SwaggerModule.setup reads only the HTTP adapter (and the global prefix: none) of the app it is given.
  const host = { getHttpAdapter: () => adapter } as unknown as INestApplication;
  SwaggerModule.setup(
    'docs',
    host,
    () => withDocumentedPaths(server, SwaggerModule.createDocument(app, config)),
    { ui },
  );
  const inner = adapter.getInstance() as unknown as FastifyInstance;
  await inner.ready();
  return inner;
}
