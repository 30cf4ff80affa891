import {
  block,
  configOf,
  rulesFor,
  type ChainContext,
  type ChainStep,
  type FindingSpan,
  type Verdict,
} from '@llmgov/chain';
import { classifier } from '../detectors/classifier/model';
import { fieldsOf } from '../detectors/fields';
import { remediationOf, withRemote } from '../detectors/remote/apply';
import { assessSecurity, type Sensitivity } from '../detectors/security.detector';

const RANK: Record<Sensitivity, number> = { low: 0, medium: 1, high: 2 };
/** System and developer messages are the deployer's own: what users, tools and tool definitions bring is scanned. */
const TRUSTED = new Set(['system', 'developer']);

/**
 * Step 12: prompt injection, exfiltration instructions, encoded payloads, at the configured
 * sensitivity, in every untrusted field that reaches the model (tool call arguments and
 * tool definitions included), on the request as received (before pii_scan's redaction).
 */
export const securityScanStep: ChainStep = {
  id: 'security_scan',
  run: (ctx) => withRemote(ctx, 'security', localSecurity(ctx)),
};

function localSecurity(ctx: ChainContext): Verdict {
  const doc = ctx.policy!.document;
  let { enabled, sensitivity } = doc.settings.security_scanner;
  let policyId: string | null = null;
  for (const r of rulesFor(doc, 'security_scan', ctx.principal!)) {
    const c = configOf(r);
    if (c.enabled !== undefined) enabled = c.enabled;
    if (c.sensitivity && RANK[c.sensitivity] > RANK[sensitivity]) sensitivity = c.sensitivity;
    policyId = r.id;
  }
  if (!enabled) return { kind: 'allow' };
  const best = { prompt_injection: 0, data_exfiltration: 0 };
  let found: {
    kind: keyof typeof best;
    label: string;
    score: number;
    spans: FindingSpan[];
  } | null = null;
  for (const f of fieldsOf(ctx.unredacted ?? ctx.request!)) {
    if (f.role !== null && TRUSTED.has(f.role)) continue;
    const r = assessSecurity(f.text, sensitivity);
    best.prompt_injection = Math.max(best.prompt_injection, r.scores.prompt_injection);
    best.data_exfiltration = Math.max(best.data_exfiltration, r.scores.data_exfiltration);
    if (r.finding && !found)
      found = {
        kind: r.finding.kind,
        label: r.finding.label,
        score: r.finding.score,
        spans: [{ field: f.path, start: r.finding.span[0], end: r.finding.span[1] }],
      };
  }
  const model = classifier();
  for (const kind of ['prompt_injection', 'data_exfiltration'] as const) {
    ctx.detector_scores.push({
      detector: 'security',
      label: kind,
      score: round(best[kind]),
      threshold: model.threshold(kind, sensitivity),
    });
  }
  if (!found) return { kind: 'allow' };
  ctx.findings.push({
    detector: 'security',
    label: found.label,
    action: 'block',
    score: round(found.score),
    spans: found.spans,
  });
  const what =
    found.kind === 'prompt_injection'
      ? `prompt injection detected (${found.label})`
      : `data exfiltration instruction detected (${found.label})`;
  return block(found.kind, 403, what, {
    policy_id: policyId,
    policy_type: 'security_scan',
    remediation: remediationOf('security', found.kind),
  });
}

const round = (n: number): number => Math.round(n * 1e4) / 1e4;
