import type { PiiPattern } from '@llmgov/policy-schema';
import type { ChainContext } from '@llmgov/chain';
import { piiActions } from '../chain/steps/pii-scan.step';
import { redactMatches, scanPii } from '../chain/detectors/pii.detector';
import type { ChatCompletion } from '../providers/provider';

/** Patterns redacted in responses: `block` and `redact` (an answer already produced cannot be refused, only masked). */
export function responsePatterns(ctx: ChainContext): Set<PiiPattern> {
  const out = new Set<PiiPattern>();
  for (const [pattern, action] of piiActions(ctx.policy!.document, ctx.principal!, ctx.now))
    if (action !== 'warn') out.add(pattern);
  return out;
}

/** Redacts the message contents of a completion in place; returns the patterns found. */
export function redactCompletion(
  body: ChatCompletion,
  patterns: ReadonlySet<PiiPattern>,
): PiiPattern[] {
  const found: PiiPattern[] = [];
  if (patterns.size === 0) return found;
  for (const choice of body.choices ?? []) {
    const content = choice.message?.content;
    if (typeof content !== 'string') continue;
    const matches = scanPii(content, patterns);
    if (matches.length === 0) continue;
    for (const m of matches) found.push(m.pattern);
    choice.message.content = redactMatches(content, matches);
  }
  return found;
}
