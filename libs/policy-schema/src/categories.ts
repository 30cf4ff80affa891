import { z } from 'zod';

/** Categories of the detectors (settings, rules and remote guardrails name them). */
export const PII_PATTERNS = [
  'api_key',
  'password',
  'email',
  'ssn',
  'credit_card',
  'phone',
  'jwt',
  'private_key',
  'iban',
] as const;
export const piiPattern = z.enum(PII_PATTERNS);
export type PiiPattern = z.infer<typeof piiPattern>;
export const piiPatternAction = z.enum(['block', 'warn', 'redact', 'off']);
export type PiiPatternAction = z.infer<typeof piiPatternAction>;

export const CONTENT_CATEGORIES = [
  'violence',
  'self_harm',
  'sexual',
  'hate',
  'harassment',
  'illegal',
  'weapons',
] as const;
export const contentCategory = z.enum(CONTENT_CATEGORIES);
export type ContentCategory = z.infer<typeof contentCategory>;
