import type { PiiPattern } from '@llmgov/policy-schema';
import type { ChainContext, ChatRequest } from '@llmgov/chain';
import { mapFields } from '../chain/detectors/fields';
import { piiActions } from '@llmgov/policy-eval';
import { redactMatches, scanPii } from '../chain/detectors/pii.detector';
import type { ChatCompletion } from '../providers/provider';

/** Patterns redacted in responses: `block` and `redact` (an answer already produced cannot be refused, only masked). */
export function responsePatterns(ctx: ChainContext): Set<PiiPattern> {
  const out = new Set<PiiPattern>();
  for (const [pattern, action] of piiActions(ctx.policy!.document, ctx.principal!, ctx.now))
    if (action !== 'warn') out.add(pattern);
  return out;
}

/**
 * Redacts every field of each answer message in place (content and tool call arguments,
 * as fields.ts reads a request); returns the patterns found.
 */
export function redactCompletion(
  body: ChatCompletion,
  patterns: ReadonlySet<PiiPattern>,
  opts: { region?: string } = {},
): PiiPattern[] {
  const found: PiiPattern[] = [];
  if (patterns.size === 0) return found;
  for (const choice of body.choices ?? []) {
    if (!choice.message) continue;
    const asked: ChatRequest = { model: '', messages: [choice.message] };
    const masked = mapFields(asked, (text) => {
      const matches = scanPii(text, patterns, opts);
      if (matches.length === 0) return text;
      for (const m of matches) found.push(m.pattern);
      return redactMatches(text, matches);
    });
    if (masked !== asked)
      choice.message = masked.messages[0] as ChatCompletion['choices'][0]['message'];
  }
  return found;
}
