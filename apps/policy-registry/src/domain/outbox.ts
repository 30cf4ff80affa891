import { randomUUID } from 'node:crypto';
import { policyTopic, tenancyTopic, type Actor, type EventOf } from '@llmgov/events';
import type { ComplianceRemediationCause, OrgEvent, VersionCreatedData } from './org-events';
import { fold, type OrgState, type VersionState } from './org-state';

export type OutboxMessage =
  | { topic: typeof tenancyTopic; event: EventOf<typeof tenancyTopic> }
  | { topic: typeof policyTopic; event: EventOf<typeof policyTopic> };

export const SOURCE = 'policy-registry';

const envelope = <T extends string, D>(type: T, subject: string, time: string, data: D) => ({
  id: randomUUID(),
  type,
  source: SOURCE,
  time,
  subject,
  data,
});

/** The `policy.published` data of a version in a state: full document, digest, signatures, signer keys. */
export function publishedData(state: OrgState, v: VersionState, actor: Actor) {
  const signer_keys: Record<string, string> = {};
  for (const s of v.signatures) {
    const key = state.signers.get(s.signer_key_id);
    if (key) signer_keys[s.signer_key_id] = key.public_key;
  }
  return {
    org_id: v.document.org_id,
    policy_id: v.policy_id,
    version_id: v.version_id,
    policy_version: v.policy_version,
    status: v.status,
    digest: v.digest,
    signatures: v.signatures.map((s) => ({ ...s })),
    required_signers: v.required_signers,
    signer_keys,
    effective_date: v.effective_date,
    document: v.document,
    actor,
    change: v.cause,
  };
}

/**
 * The public events of a batch, written to the outbox in the same transaction: tenancy
 * events as they are, rule and signature events, then one `policy.published` per version
 * the batch created or whose status or signatures changed (its state after the batch).
 */
export function toOutbox(
  before: OrgState,
  events: readonly OrgEvent[],
  after: OrgState,
  actor: Actor,
  now: string,
): OutboxMessage[] {
  const out: OutboxMessage[] = [];
  const touched = new Set<string>();
  for (const e of events) {
    switch (e.type) {
      case 'org.created':
      case 'team.created':
      case 'agent.created':
      case 'key.created':
      case 'key.revoked':
        out.push({
          topic: tenancyTopic,
          event: envelope(
            e.type,
            e.data.org_id ?? (e.data as { key_id: string }).key_id,
            now,
            e.data,
          ) as EventOf<typeof tenancyTopic>,
        });
        break;
      case 'signer.registered': {
        const { org_id, signer, signer_key_id, public_key, status = 'active' } = e.data;
        const data = { org_id, signer, signer_key_id, public_key, status, actor };
        out.push({
          topic: policyTopic,
          event: envelope('policy.signer.registered', org_id, now, data),
        });
        break;
      }
      case 'signer.approved':
        break;
      case 'signer.activated': {
        // Published again, now `active`: a pending key became a signer (audited with who approved it last).
        const key = after.signers.get(e.data.signer_key_id);
        if (key) {
          const { signer, signer_key_id, public_key } = key;
          const data = {
            org_id: e.data.org_id,
            signer,
            signer_key_id,
            public_key,
            status: 'active' as const,
            actor,
          };
          out.push({
            topic: policyTopic,
            event: envelope('policy.signer.registered', e.data.org_id, now, data),
          });
        }
        break;
      }
      case 'version.created': {
        touched.add(e.data.version_id);
        const cause = e.data.cause;
        if (
          cause.kind === 'rule_created' ||
          cause.kind === 'rule_updated' ||
          cause.kind === 'rule_deleted'
        ) {
          const rule = e.data.document.rules.find((r) => r.id === cause.rule_id) ?? null;
          const policy_type =
            rule?.policy_type ??
            before.versions.at(-1)?.document.rules.find((r) => r.id === cause.rule_id)
              ?.policy_type ??
            'unknown';
          const type =
            cause.kind === 'rule_created'
              ? 'policy.rule.created'
              : cause.kind === 'rule_updated'
                ? 'policy.rule.updated'
                : 'policy.rule.deleted';
          const data = {
            org_id: e.data.org_id,
            rule_id: cause.rule_id,
            policy_type,
            policy_version: e.data.policy_version,
            rule: rule as Record<string, unknown> | null,
            actor,
          };
          out.push({ topic: policyTopic, event: envelope(type, e.data.org_id, now, data) });
        }
        if (cause.kind === 'compliance_remediation')
          out.push({
            topic: policyTopic,
            event: remediationApplied(e.data, cause.remediation, after, actor, now),
          });
        break;
      }
      case 'version.signed': {
        touched.add(e.data.version_id);
        const version = after.versions.find((v) => v.version_id === e.data.version_id);
        const data = {
          org_id: e.data.org_id,
          version_id: e.data.version_id,
          policy_version: version?.policy_version ?? 0,
          signer: e.data.signer,
          actor,
        };
        out.push({
          topic: policyTopic,
          event: envelope('policy.signed', e.data.org_id, now, data),
        });
        break;
      }
      case 'version.activated':
        touched.add(e.data.version_id);
        e.data.superseded.forEach((id) => touched.add(id));
        break;
      default: {
        const never: never = e;
        throw new Error(`unhandled org event ${(never as { type: string }).type}`);
      }
    }
  }
  for (const v of after.versions) {
    if (touched.has(v.version_id))
      out.push({
        topic: policyTopic,
        event: envelope('policy.published', v.document.org_id, now, publishedData(after, v, actor)),
      });
  }
  return out;
}

/** `compliance.remediation.applied` for the version a remediation made, with its status after the batch. */
function remediationApplied(
  v: VersionCreatedData,
  r: ComplianceRemediationCause,
  after: OrgState,
  actor: Actor,
  now: string,
) {
  const status =
    after.versions.find((x) => x.version_id === v.version_id)?.status === 'active'
      ? ('active' as const)
      : ('draft' as const);
  const data = {
    org_id: v.org_id,
    ...r,
    version_id: v.version_id,
    policy_version: v.policy_version,
    status,
    actor,
  };
  return envelope('compliance.remediation.applied', v.org_id, now, data);
}

export const applyAll = (state: OrgState, events: readonly OrgEvent[]): OrgState =>
  fold(events, structuredClone(state));
