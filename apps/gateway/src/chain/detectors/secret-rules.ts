/**
 * API keys by provider format (the formats gitleaks' public rule list shows matter), and
 * generic secrets by keyword context plus entropy. Every regex is linear: bounded
 * repetitions, no nested unbounded quantifiers.
 */
export interface SecretRule {
  id: string;
  re: RegExp;
  /** A literal every match contains: the rule's regex runs only on texts that include it. */
  hint?: string;
  /** Extra check on the match (entropy, checksum-like shape). */
  valid?: (m: RegExpExecArray) => boolean;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A random-looking token: mixed classes and entropy, not a word, a path or a placeholder. */
export function looksRandom(s: string, minBits = 3): boolean {
  if (s.length < 8 || entropy(s) < minBits) return false;
  const classes =
    Number(/[a-z]/.test(s)) +
    Number(/[A-Z]/.test(s)) +
    Number(/\d/.test(s)) +
    Number(/[^A-Za-z0-9]/.test(s));
  return classes >= 2 && !/^(?:x+|\*+|\.+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\})$/i.test(s);
}

const g = (body: string, flags = 'g'): RegExp => new RegExp(body, flags);

export const API_KEY_RULES: SecretRule[] = [
  {
    id: 'anthropic',
    hint: 'sk-ant-',
    re: g(String.raw`\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{20,200}`),
  },
  {
    id: 'openai',
    hint: 'sk-',
    re: g(String.raw`\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,200}`),
    valid: (m) => looksRandom(m[0], 3),
  },
  {
    id: 'aws_access_key',
    re: g(String.raw`\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b`),
  },
  {
    id: 'aws_secret_key',
    re: g(
      String.raw`\baws_?(?:secret_?access_?key|secret)["']?\s{0,3}[:=]\s{0,3}["']?[A-Za-z0-9/+]{40}\b`,
      'gi',
    ),
  },
  { id: 'gcp_api_key', hint: 'AIza', re: g(String.raw`\bAIza[0-9A-Za-z_-]{35}`) },
  {
    id: 'gcp_service_account',
    hint: 'service_account',
    re: g(String.raw`"type"\s{0,3}:\s{0,3}"service_account"`),
  },
  { id: 'google_oauth', hint: 'ya29.', re: g(String.raw`\bya29\.[0-9A-Za-z_-]{30,500}`) },
  { id: 'azure_storage', hint: 'AccountKey=', re: g(String.raw`\bAccountKey=[A-Za-z0-9+/]{86}==`) },
  {
    id: 'azure_secret',
    hint: 'Q~',
    re: g(String.raw`\b[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}\b`),
  },
  {
    id: 'azure_key',
    re: g(
      String.raw`\b(?:azure|cognitive|openai)[\w.-]{0,20}(?:key|secret)["']?\s{0,3}[:=]\s{0,3}["']?[a-f0-9]{32}\b`,
      'gi',
    ),
  },
  {
    id: 'github',
    hint: '_',
    re: g(String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})`),
  },
  { id: 'gitlab', hint: 'glpat-', re: g(String.raw`\bglpat-[A-Za-z0-9_-]{20,64}`) },
  { id: 'slack_token', hint: 'xox', re: g(String.raw`\bxox[abposr]-[A-Za-z0-9-]{10,200}`) },
  {
    id: 'slack_webhook',
    hint: 'hooks.slack.com',
    re: g(
      String.raw`https://hooks\.slack\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{16,32}`,
    ),
  },
  { id: 'stripe', hint: '_', re: g(String.raw`\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,100}`) },
  { id: 'twilio', hint: 'SK', re: g(String.raw`\bSK[0-9a-f]{32}\b`) },
  { id: 'sendgrid', hint: 'SG.', re: g(String.raw`\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}`) },
  { id: 'npm', hint: 'npm_', re: g(String.raw`\bnpm_[A-Za-z0-9]{36}\b`) },
  { id: 'huggingface', hint: 'hf_', re: g(String.raw`\bhf_[A-Za-z]{34}\b`) },
  { id: 'groq', hint: 'gsk_', re: g(String.raw`\bgsk_[A-Za-z0-9]{52}\b`) },
  { id: 'digitalocean', hint: '_v1_', re: g(String.raw`\bdo[opr]_v1_[a-f0-9]{64}\b`) },
  { id: 'shopify', hint: 'shp', re: g(String.raw`\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b`) },
  { id: 'databricks', hint: 'dapi', re: g(String.raw`\bdapi[a-f0-9]{32}\b`) },
  { id: 'mailgun', hint: 'key-', re: g(String.raw`\bkey-[0-9a-f]{32}\b`) },
  { id: 'gk_msh', hint: '_', re: g(String.raw`\b(?:gk|msh)_[A-Za-z0-9]{20,100}`) },
  {
    // Generic: a key-like keyword, an assignment, then a random-looking value.
    id: 'generic',
    re: g(
      String.raw`\b(?:api[_-]?key|apikey|access[_-]?key|secret[_-]?key|client[_-]?secret|auth[_-]?token|access[_-]?token|private[_-]?token|x-api-key)["']?\s{0,3}(?:[:=]|=>|is)\s{0,3}["']?([A-Za-z0-9_./+=-]{16,200})`,
      'gi',
    ),
    valid: (m) => looksRandom(m[1]!, 3.2),
  },
];

/** Placeholders and words after a password keyword that are not a password. */
const NOT_A_PASSWORD =
  /^(?:required|optional|incorrect|wrong|invalid|expired|reset|changed|forgotten|forgot|empty|null|none|undefined|string|true|false|here|field|hash|hashed|policy|manager|protected|strength|length|for|of|and|or|the|a|to|is|was|in|on|it|not|too|must|should|will|can)$/i;

/** Passwords: a keyword, then an assignment or "is", then a value that is not a word of prose. */
export const PASSWORD = g(
  String.raw`\b(?:password|passwd|pwd|passcode|passphrase|pw|secret|token|api_key|apikey|mot\s{1,3}de\s{1,3}passe|passwort|contraseña)["']?\s{0,3}(?:[:=]|=>|\bis\b|\bwas\b)\s{0,3}["'\x60]?([^\s"'\x60,;]{4,200})`,
  'gi',
);

export function validPassword(m: RegExpExecArray): boolean {
  const v = m[1]!.replace(/[.)!?]+$/, '');
  if (v.length < 4 || NOT_A_PASSWORD.test(v)) return false;
  if (/^(?:\*+|x+|\.+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%[A-Z_]+%|\$[A-Z_]+)$/i.test(v))
    return false;
  const assigned = /[:=]/.test(m[0].slice(0, m[0].length - m[1]!.length));
  // After ':' or '=' any value counts; after "is"/"was" it must look like a password (digits, symbols or mixed case).
  return assigned
    ? !/^[a-z]+$/.test(v) || v.length >= 6
    : /\d|[^A-Za-z0-9]|[a-z][A-Z]/.test(v) && entropy(v) >= 2;
}

export const BEARER = /\bBearer\s{1,3}([A-Za-z0-9._~+/=-]{16,500})/g;
export const validBearer = (m: RegExpExecArray): boolean => looksRandom(m[1]!, 3);
