/**
 * Fields whose value is a credential whatever it looks like (pino `redact` paths, one level
 * of nesting by wildcard): authorization headers, API keys, secrets, passwords, cookies.
 */
export const REDACT_PATHS = [
  'authorization',
  'api_key',
  'apiKey',
  'key',
  'secret',
  'password',
  'token',
  'cookie',
  '["x-api-key"]',
  '*.authorization',
  '*.api_key',
  '*.apiKey',
  '*.key',
  '*.secret',
  '*.password',
  '*.token',
  '*.cookie',
  '*["x-api-key"]',
  '*["set-cookie"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
];

export const REDACTED = '[REDACTED]';

/**
 * Secrets by shape, wherever they sit in a line (a message, an unexpected field, an error's
 * text): our `gk_`/`msh_` keys, provider keys (`sk-…`, `sk-ant-…`, `sk-proj-…`, `gsk_…`) and
 * bearer tokens. Applied to each serialised line, so no field name can let one through.
 */
export const SECRET_PATTERN =
  /\b(?:gk|msh|gsk)_[A-Za-z0-9]{8,}|\bsk-[A-Za-z0-9_-]{8,}|\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Replaces every secret-shaped substring of `text` (keeps the `Bearer` word for context). */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, (_match, scheme: string | undefined) =>
    scheme ? `${scheme} ${REDACTED}` : REDACTED,
  );
}
