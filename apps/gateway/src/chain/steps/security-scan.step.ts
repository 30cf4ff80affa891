import { block, configOf, rulesFor, textsOf, type ChainStep, type ChatRequest, type Verdict } from '@llmgov/chain';
import { scanSecurity, type Sensitivity } from '../detectors/security.detector';

const RANK: Record<Sensitivity, number> = { low: 0, medium: 1, high: 2 };
/** System and developer messages are the deployer's own: only what users and tools bring is scanned. */
const untrusted = (r: ChatRequest): ChatRequest => ({ ...r, messages: r.messages.filter((m) => m.role !== 'system' && m.role !== 'developer') });

/** Step 12: prompt injection, exfiltration instructions, encoded payloads, at the configured sensitivity. */
export const securityScanStep: ChainStep = {
  id: 'security_scan',
  run(ctx): Verdict {
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
    const finding = scanSecurity(textsOf(untrusted(ctx.request!)), sensitivity);
    if (!finding) return { kind: 'allow' };
    ctx.findings.push({ detector: 'security', label: finding.label, action: 'block' });
    const what = finding.kind === 'prompt_injection' ? `prompt injection detected (${finding.label})` : 'data exfiltration instruction detected';
    return block(finding.kind, 403, what, { policy_id: policyId, policy_type: 'security_scan', remediation: 'Remove instructions aimed at the model or its tools from user content.' });
  },
};
