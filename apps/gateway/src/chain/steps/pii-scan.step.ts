import type { PiiPattern, PiiPatternAction } from '@llmgov/policy-schema';
import {
  block,
  type ChainContext,
  type ChainStep,
  type ChatRequest,
  type FindingSpan,
  type Verdict,
} from '@llmgov/chain';
import { piiActions } from '@llmgov/policy-eval';
import { redactMatches, scanPii } from '../detectors/pii.detector';
import { fieldsOf, mapFields } from '../detectors/fields';
import { startRemote, withRemote } from '../detectors/remote/apply';

/**
 * Step 10: secrets and PII in every field that reaches the model (contents, names, tool
 * call arguments, tool descriptions, response format); block, warn or redact per pattern
 * (`[REDACTED:<pattern>]`). Findings carry the field and character spans, never the text.
 * When it redacts, the request as received stays in `ctx.unredacted` for the later scanners.
 */
export const piiScanStep: ChainStep = {
  id: 'pii_scan',
  run(ctx) {
    // Remote guardrails first, so they answer while the local detectors run.
    startRemote(ctx);
    return withRemote(ctx, 'pii', localPii(ctx), (request) => {
      const doc = ctx.policy!.document;
      const actions = piiActions(doc, ctx.principal!, ctx.now);
      const only = new Set([...actions].filter(([, a]) => a === 'redact').map(([p]) => p));
      return redactRequest(request, only, { region: doc.settings.pii_phone_region });
    });
  },
};

/** Masks the `only` patterns in every field of a request. */
function redactRequest(
  request: ChatRequest,
  only: ReadonlySet<PiiPattern>,
  opts: { region?: string },
): ChatRequest {
  return mapFields(request, (t) => {
    const matches = scanPii(t, only, opts);
    return matches.length ? redactMatches(t, matches) : t;
  });
}

function localPii(ctx: ChainContext): Verdict {
  const doc = ctx.policy!.document;
  const actions = piiActions(doc, ctx.principal!, ctx.now);
  if (actions.size === 0) return { kind: 'allow' };
  const enabled = new Set(actions.keys());
  const opts = { region: doc.settings.pii_phone_region };
  const spans = new Map<PiiPattern, FindingSpan[]>();
  for (const f of fieldsOf(ctx.request!)) {
    for (const m of scanPii(f.text, enabled, opts)) {
      const list = spans.get(m.pattern) ?? [];
      list.push({ field: f.path, start: m.start, end: m.end });
      spans.set(m.pattern, list);
    }
  }
  const by = (a: PiiPatternAction) => [...spans.keys()].filter((p) => actions.get(p) === a);
  const blocked = by('block');
  const warned = by('warn');
  const redacted = by('redact');
  for (const [pattern, list] of spans)
    ctx.findings.push({
      detector: 'pii',
      label: pattern,
      action: actions.get(pattern)!,
      score: 1,
      spans: list,
    });
  for (const pattern of enabled)
    ctx.detector_scores.push({
      detector: 'pii',
      label: pattern,
      score: spans.has(pattern) ? 1 : 0,
      threshold: null,
    });
  if (blocked.length > 0) {
    const names = blocked.join(', ');
    return block('pii_detected', 403, `the request contains ${names}`, {
      policy_type: 'pii_scan',
      remediation: `Remove the ${names} from the messages, or set the pattern to redact.`,
    });
  }
  if (redacted.length > 0) {
    const request = redactRequest(ctx.request!, new Set(redacted), opts);
    ctx.unredacted = ctx.request;
    return {
      kind: 'redact',
      request,
      code: 'pii_detected',
      message: `redacted ${redacted.join(', ')}`,
      policy_id: null,
    };
  }
  if (warned.length > 0)
    return {
      kind: 'warn',
      code: 'pii_detected',
      message: `the request contains ${warned.join(', ')}`,
      policy_id: null,
    };
  return { kind: 'allow' };
}
