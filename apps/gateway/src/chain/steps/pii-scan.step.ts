import { PII_PATTERNS, type PiiPattern, type PiiPatternAction, type PolicyDocument } from '@llmgov/policy-schema';
import { block, configOf, exceptionFor, mapTexts, rulesFor, textsOf, type ChainStep, type Principal, type Verdict } from '@llmgov/chain';
import { redactMatches, scanPii } from '../detectors/pii.detector';

/** Action per pattern: `pii_scan` rules over settings `pii_patterns` over the default `pii_action`; exceptions switch a pattern off. */
export function piiActions(doc: PolicyDocument, p: Principal, now: Date): Map<PiiPattern, Exclude<PiiPatternAction, 'off'>> {
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

/** Step 10: secrets and PII in every message text; block, warn or redact per pattern (`[REDACTED:<pattern>]`). */
export const piiScanStep: ChainStep = {
  id: 'pii_scan',
  run(ctx): Verdict {
    const actions = piiActions(ctx.policy!.document, ctx.principal!, ctx.now);
    if (actions.size === 0) return { kind: 'allow' };
    const enabled = new Set(actions.keys());
    const blocked = new Set<PiiPattern>();
    const warned = new Set<PiiPattern>();
    const redacted = new Set<PiiPattern>();
    for (const text of textsOf(ctx.request!)) {
      for (const m of scanPii(text, enabled)) {
        const a = actions.get(m.pattern)!;
        (a === 'block' ? blocked : a === 'warn' ? warned : redacted).add(m.pattern);
      }
    }
    for (const set of [blocked, warned, redacted]) for (const pattern of set) ctx.findings.push({ detector: 'pii', label: pattern, action: actions.get(pattern)! });
    if (blocked.size > 0) {
      const names = [...blocked].join(', ');
      return block('pii_detected', 403, `the request contains ${names}`, {
        policy_type: 'pii_scan',
        remediation: `Remove the ${names} from the messages, or set the pattern to redact.`,
      });
    }
    if (redacted.size > 0) {
      const request = mapTexts(ctx.request!, (t) => {
        const matches = scanPii(t, redacted);
        return matches.length ? redactMatches(t, matches) : t;
      });
      return { kind: 'redact', request, code: 'pii_detected', message: `redacted ${[...redacted].join(', ')}`, policy_id: null };
    }
    if (warned.size > 0) return { kind: 'warn', code: 'pii_detected', message: `the request contains ${[...warned].join(', ')}`, policy_id: null };
    return { kind: 'allow' };
  },
};
