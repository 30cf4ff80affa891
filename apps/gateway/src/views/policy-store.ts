import { policyDocument, verifyVersion, type ActivePolicy } from '@llmgov/policy-schema';
import type { EventOf, policyTopic } from '@llmgov/events';
import type { PolicyView } from '@llmgov/chain';
import { policyOrgsInForce } from '@llmgov/telemetry';

type PolicyEvent = EventOf<typeof policyTopic>;
type Published = Extract<PolicyEvent, { type: 'policy.published' }>;

export type PolicyApplyResult = 'activated' | 'ignored' | 'rejected';

/**
 * The verified active policy of every org, folded from `policy.published`. A version is
 * enforced only once its digest, signatures and quorum verify (`verifyVersion`) and its
 * document parses; otherwise the previous one stays (fail closed when there is none).
 */
export class PolicyStore implements PolicyView {
  private readonly byOrg = new Map<string, ActivePolicy>();
  rejected = 0;

  constructor(
    private readonly onReject: (orgId: string, version: number, reason: string) => void = () => {},
  ) {}

  active(orgId: string): ActivePolicy | undefined {
    return this.byOrg.get(orgId);
  }

  apply(event: PolicyEvent): PolicyApplyResult {
    if (event.type !== 'policy.published') return 'ignored';
    return this.applyPublished(event);
  }

  private applyPublished(event: Published): PolicyApplyResult {
    const d = event.data;
    if (d.status !== 'active') return 'ignored';
    const current = this.byOrg.get(d.org_id);
    if (current && current.policy_version >= d.policy_version) return 'ignored';
    const verified = verifyVersion(d);
    const doc = verified.ok ? policyDocument.safeParse(d.document) : null;
    if (!verified.ok || !doc?.success) {
      const reason = !verified.ok
        ? verified.reason
        : `document does not parse: ${doc?.error?.issues[0]?.path.join('.')}`;
      this.rejected++;
      this.onReject(d.org_id, d.policy_version, reason);
      return 'rejected';
    }
    this.byOrg.set(d.org_id, {
      org_id: d.org_id,
      policy_id: d.policy_id,
      version_id: d.version_id,
      policy_version: d.policy_version,
      digest: d.digest,
      signed_by: d.signatures.map((s) => s.signer),
      effective_date: d.effective_date,
      document: doc.data,
    });
    policyOrgsInForce.set({}, this.byOrg.size);
    return 'activated';
  }
}
