import type { Actor } from '@llmgov/events';
import type { PolicyDocument, PolicyException } from '@llmgov/policy-schema';

/**
 * What the registry stores in an org's stream (`org-<org_id>`; platform keys in `platform`).
 * Tenancy events have the data of their public event (libs/events tenancy.events.ts); the
 * document events are internal and published as `policy.*` by `toOutbox`.
 */
export type Plan = 'free' | 'starter' | 'growth' | 'enterprise';
export type AdminRole = 'owner' | 'admin' | 'reviewer' | 'viewer';

export interface OrgCreatedData {
  org_id: string;
  name: string;
  plan: Plan;
  created_at: string;
  actor: Actor;
}
export interface TeamCreatedData {
  org_id: string;
  team_id: string;
  name: string;
  created_at: string;
  actor: Actor;
}
export interface AgentCreatedData {
  org_id: string;
  agent_id: string;
  team_id: string | null;
  name: string;
  environment: string;
  created_at: string;
  actor: Actor;
}
export interface KeyCreatedData {
  org_id: string | null;
  key_id: string;
  kind: 'gateway' | 'admin';
  role: AdminRole | null;
  platform_owner: boolean;
  team_id: string | null;
  agent_id: string | null;
  name: string | null;
  key_hash: string;
  prefix: string;
  created_at: string;
  actor: Actor;
}
export interface KeyRevokedData {
  org_id: string | null;
  key_id: string;
  revoked_at: string;
  actor: Actor;
}

/** Why a version was made: which route family and, for typed rules, which rule. */
export type VersionCause =
  | { kind: 'org_created' }
  | { kind: 'settings_changed' }
  | { kind: 'rule_created' | 'rule_updated' | 'rule_deleted'; rule_id: string }
  | { kind: 'published'; template: string | null }
  | {
      kind: 'exception_created' | 'exception_revoked';
      exception_id: string;
      exception: PolicyException;
    }
  | { kind: 'compliance_remediation'; remediation: ComplianceRemediationCause };

/** What `compliance.remediation.applied` reports of a remediation, kept in its version's cause. */
export interface ComplianceRemediationCause {
  remediation_id: string;
  check_id: string;
  article: string;
  model_version: string;
  diff: Array<{ path: string; before: unknown; after: unknown }>;
  score_before: number;
  score_after: number;
}

export interface VersionCreatedData {
  org_id: string;
  policy_id: string;
  version_id: string;
  policy_version: number;
  effective_date: string;
  document: PolicyDocument;
  digest: string;
  /** Signatures this version needs: max(the active version's quorum, its own). */
  required_signers: number;
  cause: VersionCause;
  created_at: string;
  actor: Actor;
}
/**
 * A signer's key, bound to the principal that registered it (`actor`). Under a signer quorum
 * it is `pending` until the quorum's signers approve it (absent in older events: `active`).
 */
export interface SignerRegisteredData {
  org_id: string;
  signer: string;
  signer_key_id: string;
  public_key: string;
  registered_at: string;
  actor: Actor;
  status?: 'active' | 'pending';
  /** Distinct principals whose signers must approve a pending key (the active version's quorum). */
  required_approvals?: number;
}
/** An active signer approves a pending signer key: Ed25519 over `signerApprovalBytes`. */
export interface SignerApprovedData {
  org_id: string;
  signer_key_id: string;
  approver: string;
  approver_key_id: string;
  signature: string;
  approved_at: string;
  actor: Actor;
}
export interface SignerActivatedData {
  org_id: string;
  signer_key_id: string;
  activated_at: string;
}
export interface VersionSignedData {
  org_id: string;
  version_id: string;
  signer: string;
  signer_key_id: string;
  signature: string;
  signed_at: string;
  actor: Actor;
}
export interface VersionActivatedData {
  org_id: string;
  version_id: string;
  superseded: string[];
  activated_at: string;
}

export type OrgEvent =
  | { type: 'org.created'; data: OrgCreatedData }
  | { type: 'team.created'; data: TeamCreatedData }
  | { type: 'agent.created'; data: AgentCreatedData }
  | { type: 'key.created'; data: KeyCreatedData }
  | { type: 'key.revoked'; data: KeyRevokedData }
  | { type: 'version.created'; data: VersionCreatedData }
  | { type: 'signer.registered'; data: SignerRegisteredData }
  | { type: 'signer.approved'; data: SignerApprovedData }
  | { type: 'signer.activated'; data: SignerActivatedData }
  | { type: 'version.signed'; data: VersionSignedData }
  | { type: 'version.activated'; data: VersionActivatedData };

export type OrgEventType = OrgEvent['type'];
export const TENANCY_TYPES = [
  'org.created',
  'team.created',
  'agent.created',
  'key.created',
  'key.revoked',
] as const;

/** Time and ids come in from outside (STYLE.md): tests fix them. */
export interface DecideContext {
  now: string;
  newId: (prefix: string) => string;
  actor: Actor;
}
