import { z } from 'zod';
import { resolveModel } from '@llmgov/policy-schema';
import {
  block,
  emptyMeta,
  type ChainContext,
  type ChatRequest,
  type SyncChainStep,
  type RequestMeta,
  type Verdict,
} from '@llmgov/chain';

const id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/);
const contentPart = z.object({ type: z.string().min(1) }).passthrough();
const message = z
  .object({
    role: z.string().min(1),
    content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  })
  .passthrough();
const positiveInt = z.number().int().positive().nullable().optional();
/** OpenAI documents n ≤ 128; a request for more cannot be priced (each choice may spend max_tokens). */
const choices = z.number().int().min(1).max(128).nullable().optional();

/** The fields the gateway reads; everything else passes through to the provider untouched. */
export const chatRequestSchema = z
  .object({
    model: z.string().min(1).max(256),
    messages: z.array(message).min(1),
    stream: z.boolean().nullable().optional(),
    stream_options: z
      .object({ include_usage: z.boolean().optional() })
      .passthrough()
      .nullable()
      .optional(),
    max_tokens: positiveInt,
    max_completion_tokens: positiveInt,
    n: choices,
    best_of: choices,
    tools: z.array(z.unknown()).optional(),
    fallbacks: z.array(z.string().min(1).max(256)).max(10).optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .passthrough();

const metaHeaders = {
  agent_id: 'x-agent-id',
  team_id: 'x-team-id',
  environment: 'x-environment',
  purpose: 'x-purpose',
  user_consent_id: 'x-user-consent-id',
  session_id: 'x-session-id',
  approval_id: 'x-approval-id',
} as const;

type Parsed = { ok: true; request: ChatRequest } | { ok: false; verdict: Verdict };

function parseBody(ctx: ChainContext): Parsed {
  if (ctx.request) return { ok: true, request: ctx.request };
  let json: unknown;
  try {
    json = JSON.parse(ctx.raw_body ? ctx.raw_body.toString('utf8') : '');
  } catch {
    return {
      ok: false,
      verdict: block('invalid_json', 400, 'The request body is not valid JSON.', {
        remediation: 'Send a JSON Chat Completions request.',
      }),
    };
  }
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'body';
    return {
      ok: false,
      verdict: block('invalid_request', 400, `Invalid field '${field}': ${issue.message}`, {
        param: field,
      }),
    };
  }
  return { ok: true, request: parsed.data as ChatRequest };
}

function metaOf(ctx: ChainContext, request: ChatRequest): RequestMeta | Verdict {
  const body = (request.metadata ?? {}) as Record<string, unknown>;
  const meta = emptyMeta();
  for (const [field, name] of Object.entries(metaHeaders) as [keyof typeof metaHeaders, string][]) {
    const h = ctx.headers[name];
    const value =
      typeof h === 'string' ? h : typeof body[field] === 'string' ? (body[field] as string) : null;
    if (value === null) continue;
    if (!id.safeParse(value).success)
      return block(
        'invalid_request',
        400,
        `Invalid ${name}: expected 1-128 characters [A-Za-z0-9_.:-].`,
        { param: name },
      );
    meta[field] = value;
  }
  const tags =
    typeof ctx.headers['x-tags'] === 'string'
      ? (ctx.headers['x-tags'] as string).split(',')
      : Array.isArray(body.tags)
        ? body.tags
        : [];
  for (const t of tags) {
    const tag = typeof t === 'string' ? t.trim() : '';
    if (!tag) continue;
    if (tag.length > 64 || meta.tags.length >= 20)
      return block('invalid_request', 400, 'Invalid x-tags: at most 20 tags of 64 characters.', {
        param: 'x-tags',
      });
    meta.tags.push(tag);
  }
  return meta;
}

/** Step 2: body size limit by plan (before parsing), schema, metadata, reasoning-token cap. */
export const requestLimitsStep: SyncChainStep = {
  id: 'request_limits',
  run(ctx): Verdict {
    const settings = ctx.policy!.document.settings;
    const size = ctx.body_size;
    if (size > settings.body_size_limit_bytes) {
      return block(
        'body_too_large',
        413,
        `Request body of ${size} bytes exceeds the plan limit of ${settings.body_size_limit_bytes} bytes.`,
        {
          policy_type: 'body_size_limit_bytes',
          remediation: 'Send a smaller request or raise body_size_limit_bytes.',
        },
      );
    }
    const parsed = parseBody(ctx);
    if (!parsed.ok) return parsed.verdict;
    let request = parsed.request;
    const fallbackHeader = ctx.headers['x-fallback-models'];
    if (!request.fallbacks && typeof fallbackHeader === 'string' && fallbackHeader.trim()) {
      request = {
        ...request,
        fallbacks: fallbackHeader
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    }
    const meta = metaOf(ctx, request);
    if ('kind' in meta) return meta;
    ctx.request = request;
    ctx.meta = meta;
    const p = ctx.principal!;
    if (!p.environment && meta.environment) p.environment = meta.environment;
    if (!p.agent_id && meta.agent_id) {
      const agent = ctx.views.tenancy.agent(meta.agent_id);
      if (!agent || agent.org_id !== p.org_id)
        return block(
          'invalid_request',
          400,
          `Unknown agent '${meta.agent_id}' (metadata.agent_id).`,
          { param: 'metadata.agent_id' },
        );
      p.agent_id = agent.agent_id;
      p.agent_created_at = agent.created_at;
      p.environment = p.environment ?? agent.environment;
      p.team_id = p.team_id ?? agent.team_id;
    }
    if (!p.team_id && meta.team_id) p.team_id = meta.team_id;
    const cap = settings.reasoning_token_cap;
    const model = resolveModel(request.model);
    const requested = request.max_completion_tokens ?? request.max_tokens ?? null;
    if (cap !== null && model?.entry?.reasoning && requested !== null && requested > cap) {
      return block(
        'reasoning_token_cap',
        403,
        `max_completion_tokens ${requested} exceeds the plan's reasoning token cap of ${cap}.`,
        {
          policy_type: 'reasoning_token_cap',
          param: 'max_completion_tokens',
          remediation: `Ask for at most ${cap} completion tokens.`,
        },
      );
    }
    return { kind: 'allow' };
  },
};
