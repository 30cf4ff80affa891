import type { EnvelopeBase } from '@llmgov/events';

/** `deployer.log_level` of the org's active policy (libs/policy-schema). */
export type LogLevel = 'minimal' | 'standard' | 'verbose';
export const DEFAULT_LOG_LEVEL: LogLevel = 'standard';

/**
 * Fields never kept below `verbose`, wherever they sit in the event. Events are designed
 * not to carry prompt text or secrets; this is the defence in depth the audit owes if a
 * producer ever adds one (a field named like content, messages, prompt, key, secret).
 * `key_id`, `signer_key_id`, `public_key`, `signer_keys` are ids or public material and stay.
 */
const SENSITIVE =
  /^(content|contents|messages|prompts?|prompt_text|.*_prompt|completion_text|preview|input|output|secret|.*_secret|secret_.*|password|.*_password|key|api_key|private_key|key_hash|authorization|token|access_token)$/i;

/** Free text and bulky detail that `minimal` drops too: only who, what, when and ids remain. */
const MINIMAL_DROPS = new Set([
  'document',
  'decision',
  'message',
  'notes',
  'reason',
  'rule',
  'detail',
  'tags',
  'signatures',
  'signer_keys',
]);

/** The event as the org's log level keeps it (a new object; the input is not changed). */
export function applyLogLevel<E extends EnvelopeBase>(event: E, level: LogLevel): E {
  switch (level) {
    case 'verbose':
      return event;
    case 'standard':
      return { ...event, data: strip(event.data, (k) => SENSITIVE.test(k)) };
    case 'minimal':
      return {
        ...event,
        data: strip(event.data, (k) => SENSITIVE.test(k) || MINIMAL_DROPS.has(k)),
      };
    default: {
      const never: never = level;
      throw new Error(`unknown log level ${String(never)}`);
    }
  }
}

/**
 * Policy configuration (a compiled document, a typed rule, a compliance remediation's diff)
 * names PII patterns such as `api_key` or `password` as settings, not values: kept whole
 * unless dropped as a field.
 */
const POLICY_CONFIG = new Set(['document', 'rule', 'diff']);

function strip(value: unknown, drop: (key: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => strip(item, drop));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (drop(key)) continue;
    out[key] = POLICY_CONFIG.has(key) ? inner : strip(inner, drop);
  }
  return out;
}
