import { z } from 'zod';
import { CONTENT_CATEGORIES, PII_PATTERNS } from './categories';

/** Kinds of remote guardrail the gateway speaks (docs/guardrails.md shows each wire shape). */
export const REMOTE_GUARDRAIL_KINDS = [
  'openai_moderation',
  'llama_guard',
  'classify',
  'presidio',
  'webhook',
] as const;
export type RemoteGuardrailKind = (typeof REMOTE_GUARDRAIL_KINDS)[number];

/** Security labels a remote detector may map to (the security scanner's families). */
export const SECURITY_LABELS = ['prompt_injection', 'data_exfiltration'] as const;

/** Every category of ours a remote label may map to: content categories, security labels, PII patterns. */
export const GUARDRAIL_CATEGORIES = [
  ...CONTENT_CATEGORIES,
  ...SECURITY_LABELS,
  ...PII_PATTERNS,
] as const;
export const guardrailCategory = z.enum(GUARDRAIL_CATEGORIES);
export type GuardrailCategory = z.infer<typeof guardrailCategory>;

/** Kinds that report where a finding is (character spans), so `mode: redact` can mask it. */
const REDACTING_KINDS: ReadonlySet<RemoteGuardrailKind> = new Set(['presidio', 'webhook']);

/**
 * One remote detector of an org (settings `remote_guardrails`). `auth_secret` is a NAME:
 * the gateway reads the credential from its environment variable
 * `GUARDRAIL_SECRET_<auth_secret>` and sends it as `Authorization: Bearer …`; the value
 * never appears in the policy document, events or logs. `categories` maps the remote service's labels (OpenAI categories, Llama Guard
 * S-codes, classifier labels, Presidio entity types, webhook reasons) to ours, over
 * per-kind defaults; labels mapped to nothing are ignored.
 */
export const remoteGuardrail = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _, at most 63'),
    kind: z.enum(REMOTE_GUARDRAIL_KINDS),
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), 'an http(s) URL'),
    /** Model name sent to OpenAI-compatible endpoints (moderations, Llama Guard chat, /classify). */
    model: z.string().min(1).max(200).optional(),
    auth_secret: z
      .string()
      .regex(
        /^[A-Z][A-Z0-9_]{0,63}$/,
        'upper-case letters, digits and _ (a name: the gateway reads GUARDRAIL_SECRET_<name>), never the secret itself',
      )
      .optional(),
    categories: z.record(z.string().min(1).max(100), guardrailCategory).default({}),
    /** `classify`: the label of each probability index (vLLM answers probabilities by index). */
    labels: z.array(z.string().min(1).max(100)).max(64).optional(),
    /** Score at which a label fires (moderation scores, classifier probabilities, Presidio scores). */
    threshold: z.number().min(0).max(1).default(0.5),
    /** `presidio`: the analyzer's language. */
    language: z.string().min(2).max(10).default('en'),
    applies_to: z.enum(['input', 'output', 'both']).default('input'),
    mode: z.enum(['block', 'warn', 'redact', 'monitor']).default('block'),
    timeout_ms: z.number().int().min(10).max(30_000).default(1_000),
    on_error: z.enum(['fail_open', 'fail_closed']).default('fail_open'),
    /** How long an answer is reused for the same text (0: never). */
    cache_ttl_s: z.number().int().min(0).max(3_600).default(60),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (g.mode === 'redact' && !REDACTING_KINDS.has(g.kind))
      ctx.addIssue({
        code: 'custom',
        path: ['mode'],
        message: `mode redact needs a kind that reports spans or texts (presidio, webhook), not ${g.kind}`,
      });
    if ((g.kind === 'llama_guard' || g.kind === 'classify') && !g.model)
      ctx.addIssue({ code: 'custom', path: ['model'], message: `${g.kind} needs a model name` });
  });
export type RemoteGuardrail = z.infer<typeof remoteGuardrail>;

export const remoteGuardrails = z
  .array(remoteGuardrail)
  .max(16)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((g, i) => {
      if (seen.has(g.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate name ${g.name}` });
      seen.add(g.name);
    });
  });
