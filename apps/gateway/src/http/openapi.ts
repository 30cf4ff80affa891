import type { OpenAPIObject } from '@nestjs/swagger';

type PathItem = OpenAPIObject['paths'][string];
type Schema = Record<string, unknown>;

const security: Record<string, string[]>[] = [{ bearer: [] }, { 'x-api-key': [] }];
const governanceHeaders = Object.fromEntries(
  [
    'x-request-id',
    'x-governance-time-ms',
    'x-cost-usd',
    'x-policy-version',
    'x-daily-spend-usd',
  ].map((h) => [h, { schema: { type: 'string' } }]),
);
// On forwarded answers: which model answered and, for `model_deployments`, which deployment.
governanceHeaders['x-gateway-model'] = { schema: { type: 'string' } };
governanceHeaders['x-gateway-deployment'] = { schema: { type: 'string' } };
const anyObject: Schema = { type: 'object', additionalProperties: true };
const openAiError: Schema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        message: { type: 'string' },
        type: { type: 'string' },
        code: { type: 'string' },
        param: { type: 'string', nullable: true },
        step: { type: 'string', nullable: true },
        remediation: { type: 'string', nullable: true },
      },
    },
    policy_id: { type: 'string', nullable: true },
    status: { type: 'integer' },
    request_id: { type: 'string' },
    policy_attribution: anyObject,
  },
};
const anthropicError: Schema = {
  type: 'object',
  description:
    "Anthropic's error shape; `error.code`, `step`, `param`, `remediation`, `governance_type` " +
    "and the fields beside `error` are the gateway's.",
  properties: {
    type: { type: 'string', enum: ['error'] },
    error: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        message: { type: 'string' },
        code: { type: 'string' },
        step: { type: 'string', nullable: true },
      },
    },
    request_id: { type: 'string' },
    status: { type: 'integer' },
  },
};

const jsonBody = (schema: Schema, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { 'application/json': { schema } },
});
const answer = (description: string, schema: Schema, sse = false) => ({
  description,
  headers: governanceHeaders,
  content: {
    'application/json': { schema },
    ...(sse ? { 'text/event-stream': { schema: { type: 'string' } } } : {}),
  },
});
const refusals = (schema: Schema) => ({
  '202': answer(
    'Held for human approval: `{approval_id, status: "pending", expires_at, poll_url, request_id, reason}`.',
    anyObject,
  ),
  '400': answer('Invalid request (the body names the field).', schema),
  '401': answer('Missing or invalid gateway key.', schema),
  '402': answer('Budget exhausted.', schema),
  '403': answer('Refused by a policy (the body names the step, code and policy).', schema),
  '429': answer('Rate limited (`Retry-After`).', schema),
  '502': answer('Upstream error.', schema),
  '503': answer('Provider unavailable.', schema),
});

/**
 * A governed model call: tagged `gateway`, a gateway key, a JSON object body (`required`,
 * `properties`), its answer (JSON, or server-sent events too when it `streams`), and the
 * chain's refusals in the API's own error shape (`errors`, default OpenAI's).
 */
const governedCall = (op: {
  summary: string;
  description?: string;
  required: string[];
  properties: Schema;
  additionalProperties?: boolean;
  answer: string;
  streams?: boolean;
  errors?: Schema;
}): PathItem => ({
  post: {
    tags: ['gateway'],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security,
    requestBody: jsonBody({
      type: 'object',
      required: op.required,
      properties: op.properties,
      ...(op.additionalProperties === undefined
        ? {}
        : { additionalProperties: op.additionalProperties }),
    }),
    responses: {
      '200': answer(op.answer, anyObject, op.streams),
      ...refusals(op.errors ?? openAiError),
    },
  },
});

/** The gateway's plain Fastify routes, for the OpenAPI document at `/docs`. */
export const GATEWAY_OPENAPI_PATHS: Record<string, PathItem> = {
  '/v1/chat/completions': governedCall({
    summary: 'OpenAI Chat Completions, governed (13 steps), streamed or not',
    required: ['model', 'messages'],
    properties: {
      model: { type: 'string' },
      messages: { type: 'array', items: anyObject },
      stream: { type: 'boolean' },
      max_tokens: { type: 'integer' },
      tools: { type: 'array', items: anyObject },
      user: { type: 'string' },
      fallbacks: { type: 'array', items: { type: 'string' } },
      metadata: anyObject,
    },
    additionalProperties: true,
    answer: 'A chat completion, or server-sent chunks when `stream: true`.',
    streams: true,
  }),
  '/v1/messages': governedCall({
    summary:
      'Anthropic Messages API, governed as the chat completion it translates to; streamed or not',
    description:
      'Auth: `x-api-key: gk_…` or `Authorization: Bearer gk_…`; `anthropic-version` is accepted. ' +
      '`metadata.user_id` is the end user.',
    required: ['model', 'max_tokens', 'messages'],
    properties: {
      model: { type: 'string' },
      max_tokens: { type: 'integer', minimum: 1 },
      system: { oneOf: [{ type: 'string' }, { type: 'array', items: anyObject }] },
      messages: { type: 'array', items: anyObject },
      stream: { type: 'boolean' },
      tools: { type: 'array', items: anyObject },
      tool_choice: anyObject,
      stop_sequences: { type: 'array', items: { type: 'string' } },
      temperature: { type: 'number' },
      top_p: { type: 'number' },
      metadata: { type: 'object', properties: { user_id: { type: 'string' } } },
    },
    answer:
      'A Messages response, or Messages stream events (`message_start` … `message_stop`) when `stream: true`.',
    streams: true,
    errors: anthropicError,
  }),
  '/v1/responses': governedCall({
    summary:
      'OpenAI Responses API, governed as the chat completion it translates to; streamed or not',
    description:
      'Translated to chat completions and governed as one. The gateway keeps no response ' +
      'state (`store` is answered `false`; `conversation`: 400). `previous_response_id` and ' +
      'built-in tools (`web_search`, …) are passed to the `openai` provider’s own Responses ' +
      'API for its models, and answer 400 naming the field for any other. `user` is the end user.',
    required: ['model', 'input'],
    properties: {
      model: { type: 'string' },
      input: { oneOf: [{ type: 'string' }, { type: 'array', items: anyObject }] },
      instructions: { type: 'string' },
      stream: { type: 'boolean' },
      max_output_tokens: { type: 'integer', minimum: 1 },
      tools: { type: 'array', items: anyObject },
      tool_choice: {
        oneOf: [{ type: 'string', enum: ['auto', 'none', 'required'] }, anyObject],
      },
      parallel_tool_calls: { type: 'boolean' },
      temperature: { type: 'number' },
      top_p: { type: 'number' },
      text: anyObject,
      metadata: anyObject,
      user: { type: 'string' },
      store: { type: 'boolean' },
      previous_response_id: { type: 'string' },
    },
    answer:
      'A Response object (`object: "response"`, `output` items, `usage`), or the typed ' +
      'Responses stream events (`response.created` … `response.completed`) when `stream: true`.',
    streams: true,
  }),
  '/v1/embeddings': governedCall({
    summary:
      'OpenAI Embeddings, governed (PII in inputs, model allowlist, budgets by input tokens)',
    required: ['model', 'input'],
    properties: {
      model: { type: 'string' },
      input: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      encoding_format: { type: 'string', enum: ['float', 'base64'] },
      dimensions: { type: 'integer', minimum: 1 },
      user: { type: 'string' },
    },
    answer: '`{object: "list", data: [{object: "embedding", index, embedding}], model, usage}`',
  }),
  '/v1/completions': governedCall({
    summary:
      'Legacy OpenAI Completions, governed as a one-message chat completion; streamed or not',
    required: ['model', 'prompt'],
    properties: {
      model: { type: 'string' },
      prompt: { type: 'string' },
      max_tokens: { type: 'integer', default: 16 },
      stream: { type: 'boolean' },
      stop: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      user: { type: 'string' },
    },
    answer: 'A `text_completion`, or server-sent `text_completion` chunks when `stream: true`.',
    streams: true,
  }),
  '/v1/models': {
    get: {
      tags: ['gateway'],
      summary: "The catalogue models this caller's policy allows (OpenAI list shape)",
      security,
      responses: {
        '200': answer('`{object: "list", data: [{id, object: "model", owned_by}]}`', anyObject),
        '401': answer('Missing or invalid gateway key.', openAiError),
      },
    },
  },
  '/v1/governance/explain': {
    post: {
      tags: ['gateway'],
      summary:
        'The 13-step trace of a chat request with findings and every detector score, without reserving, counting or calling a provider',
      security,
      requestBody: jsonBody(anyObject, 'A Chat Completions request body.'),
      responses: {
        '200': answer(
          '`{request_id, decision, decided_by, policy, model, routing_pool, ' +
            'estimated_cost_usd, governance_ms, steps[13], findings[{detector, label, action, ' +
            'score, spans[{field, start, end}]}], detector_scores[{detector, label, score, ' +
            'threshold, error?}]}` (remote guardrails are called)',
          anyObject,
        ),
        '401': answer('Missing or invalid gateway key.', openAiError),
      },
    },
  },
  '/metrics': {
    get: {
      tags: ['observability'],
      summary: 'Prometheus metrics (text exposition format; OpenMetrics with exemplars on request)',
      responses: {
        '200': {
          description: 'text/plain; version=0.0.4',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
      },
    },
  },
};
