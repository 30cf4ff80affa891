import type { OpenAPIObject } from '@nestjs/swagger';

type PathItem = OpenAPIObject['paths'][string];

/** Per HTTP server instance: routes served outside Nest controllers that `/docs` still shows. */
const documented = new WeakMap<object, Record<string, PathItem>>();

/**
 * Documents plain Fastify routes (registered without a Nest controller, e.g. the gateway's
 * `/v1/*`) in the service's OpenAPI document. `server` is the app's HTTP adapter instance.
 */
export function documentPaths(server: object, paths: Record<string, PathItem>): void {
  documented.set(server, { ...(documented.get(server) ?? {}), ...paths });
}

/** The OpenAPI document with the paths documented for this server added. */
export function withDocumentedPaths(server: object, doc: OpenAPIObject): OpenAPIObject {
  const extra = documented.get(server);
  return extra ? { ...doc, paths: { ...doc.paths, ...extra } } : doc;
}
