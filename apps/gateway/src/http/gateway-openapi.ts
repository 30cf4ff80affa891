import type { OpenApiPaths } from '@llmgov/service-kit';

const bearer = [{ bearer: [] }];
const errorBody = {
  description: 'Refusal (OpenAI-shaped error with the governance fields of docs/contract.md)',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: { type: 'object' },
          status: { type: 'integer' },
          request_id: { type: 'string' },
          policy_attribution: { type: 'object' },
        },
      },
    },
  },
};
const refusals = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  409: errorBody,
  413: errorBody,
  429: errorBody,
  502: errorBody,
  503: errorBody,
  504: errorBody,
};
const chatBody = {
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['model', 'messages'],
        additionalProperties: true,
        properties: {
          model: { type: 'string', description: 'catalogue name (gpt-4o) or provider/model' },
          messages: {
            type: 'array',
            minItems: 1,
            items: { type: 'object', required: ['role'], additionalProperties: true },
          },
          stream: { type: 'boolean' },
          max_tokens: { type: 'integer', minimum: 1 },
          max_completion_tokens: { type: 'integer', minimum: 1 },
          n: { type: 'integer', minimum: 1, maximum: 128, description: 'each choice is reserved at max_tokens' },
          fallbacks: { type: 'array', items: { type: 'string' }, maxItems: 10 },
          metadata: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
};

/**
 * The gateway's own routes in `/docs`: they are plain Fastify routes (no Nest pipes on the
 * hot path), so Nest's Swagger scan does not see them. Shapes are OpenAI's (docs/contract.md §2).
 */
export const GATEWAY_OPENAPI_PATHS: OpenApiPaths = {
  '/v1/chat/completions': {
    post: {
      tags: ['gateway'],
      summary: 'OpenAI Chat Completions through the 13-step governance chain (stream: true answers server-sent events)',
      security: bearer,
      requestBody: chatBody,
      responses: {
        200: { description: 'The completion (application/json) or its stream (text/event-stream)' },
        202: { description: 'Held for human approval: {approval_id, status: "pending", expires_at, poll_url}' },
        ...refusals,
      },
    },
  },
  '/v1/governance/explain': {
    post: {
      tags: ['gateway'],
      summary: 'The decision trace of all 13 steps for a chat request, counting nothing and calling no provider',
      security: bearer,
      requestBody: chatBody,
      responses: { 200: { description: '{decision, decided_by, policy, steps: [...]}' }, 401: errorBody },
    },
  },
  '/v1/models': {
    get: {
      tags: ['gateway'],
      summary: "The models the caller's policy allows and whose provider is configured (OpenAI list shape)",
      security: bearer,
      responses: {
        200: { description: '{object: "list", data: [{id, object: "model", created, owned_by}]}' },
        401: errorBody,
      },
    },
  },
  '/metrics': {
    get: {
      tags: ['observability'],
      summary: 'Prometheus metrics (text exposition format)',
      responses: {
        200: { description: 'text/plain; version=0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    },
  },
};
