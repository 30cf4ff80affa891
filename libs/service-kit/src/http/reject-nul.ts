import type { FastifyInstance, FastifyRequest } from 'fastify';
import { toErrorBody } from '../errors/domain-error.filter';
import { ValidationError, type FieldError } from '../errors/domain-errors';

/** Where NUL (U+0000) hides in a parsed value: the field paths of the strings holding one. */
export function nulFields(
  value: unknown,
  path: string,
  out: FieldError[] = [],
  depth = 0,
): FieldError[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      out.push({ field: path || '(body)', message: 'must not contain a NUL byte' });
  } else if (value && typeof value === 'object' && depth < 32) {
    for (const [k, v] of Object.entries(value))
      nulFields(v, path ? `${path}.${k}` : k, out, depth + 1);
  }
  return out;
}

/**
 * Postgres text cannot hold NUL, so an id, query parameter or admin body carrying one answered
 * 500 from the driver (issue 17). Refuse it up front with 400 naming the field. The gateway's
 * `/v1/*` routes are left to the gateway (its bodies are large and never stored as text); the
 * raw URL is checked cheaply first, so clean requests pay one `includes`.
 */
export function rejectNulBytes(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request: FastifyRequest, reply) => {
    const url = request.raw.url ?? '';
    if (url.startsWith('/v1/')) return;
    const fields: FieldError[] = [];
    if (url.includes('%00')) {
      nulFields(request.params, '', fields);
      nulFields(request.query, '', fields);
    }
    if (request.body !== undefined && request.body !== null) nulFields(request.body, '', fields);
    if (fields.length === 0) return;
    const error = new ValidationError(
      `Invalid request: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
      fields,
    );
    const { status, body } = toErrorBody(error);
    return reply.code(status).send(body);
  });
}
