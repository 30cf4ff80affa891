/** OpenAPI path items keyed by route (`{ '/v1/models': { get: {...} } }`). */
export type OpenApiPaths = Record<string, Record<string, unknown>>;

const extraPaths = new WeakMap<object, OpenApiPaths>();

/**
 * Documents routes registered outside Nest controllers (plain Fastify routes, e.g. the
 * gateway's `/v1/*`) in the app's `/docs`, keyed by the app's HTTP server instance so two apps
 * in one process keep their own. Call before the first `/docs` request (the document is built then).
 */
export function addOpenApiPaths(server: object, paths: OpenApiPaths): void {
  extraPaths.set(server, { ...extraPaths.get(server), ...paths });
}

/** The paths added for this HTTP server instance (empty when none). */
export const openApiPathsOf = (server: object): OpenApiPaths => extraPaths.get(server) ?? {};
