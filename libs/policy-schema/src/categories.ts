import { z } from 'zod';

/**
 * Categories of the detectors (settings, rules and remote guardrails name them), one list per
 * kind: PII patterns and content-safety categories.
 */
const CATEGORIES = {
  pii: [
    'api_key',
    'password',
    'email',
    'ssn',
    'credit_card',
    'phone',
    'jwt',
    'private_key',
    'iban',
  ],
  content: ['violence', 'self_harm', 'sexual', 'hate', 'harassment', 'illegal', 'weapons'],
} as const;

export const PII_PATTERNS = CATEGORIES.pii;
export const piiPattern = z.enum(PII_PATTERNS);
export type PiiPattern = z.infer<typeof piiPattern>;
export const piiPatternAction = z.enum(['block', 'warn', 'redact', 'off']);
export type PiiPatternAction = z.infer<typeof piiPatternAction>;

export const CONTENT_CATEGORIES = CATEGORIES.content;
export const contentCategory = z.enum(CONTENT_CATEGORIES);
export type ContentCategory = z.infer<typeof contentCategory>;
