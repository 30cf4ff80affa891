import {
  PII_PATTERNS,
  type PiiPattern,
  type PiiPatternAction,
  type PolicyDocument,
} from '@llmgov/policy-schema';
import { configOf, exceptionFor, rulesFor, type Principal } from '@llmgov/chain';

/** Action per pattern: `pii_scan` rules over settings `pii_patterns` over the default `pii_action`; exceptions switch a pattern off. */
export function piiActions(
  doc: PolicyDocument,
  p: Principal,
  now: Date,
): Map<PiiPattern, Exclude<PiiPatternAction, 'off'>> {
  const s = doc.settings;
  const actions = new Map<PiiPattern, Exclude<PiiPatternAction, 'off'>>();
  if (!s.pii_scanning_enabled) return actions;
  const rules = rulesFor(doc, 'pii_scan', p);
  for (const pattern of PII_PATTERNS) {
    let action: PiiPatternAction = s.pii_patterns[pattern] ?? s.pii_action;
    for (const r of rules) action = configOf(r).patterns[pattern] ?? action;
    if (action === 'off' || exceptionFor(doc, 'pii_pattern', pattern, p, now)) continue;
    actions.set(pattern, action);
  }
  return actions;
}
