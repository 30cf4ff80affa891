import {
  requirementFor,
  reviewRulesOf,
  reviewStatus,
  type PolicyDocument,
  type PolicyException,
} from '@llmgov/policy-schema';
import type { KeyState, OrgState, SignerKey, VersionState } from '../domain/org-state';
import { signerApprovalBytes } from '../domain/signers.decide';

/**
 * A typed policy as `/governance/policies` answers it, with the version it is read from and
 * that version's status (`draft` while a signer quorum has not approved it: not enforced yet).
 */
type Rule = PolicyDocument['rules'][number];
export const ruleView = (rule: Rule, version: Pick<VersionState, 'policy_version' | 'status'>) => ({
  ...rule,
  policy_version: version.policy_version,
  version_status: version.status,
});

/** A key without its secret or hash (`GET /governance/keys`). */
export const keyView = (k: KeyState) => ({
  id: k.key_id,
  kind: k.kind,
  role: k.role,
  org_id: k.org_id,
  team_id: k.team_id,
  agent_id: k.agent_id,
  name: k.name,
  prefix: k.prefix,
  created_at: k.created_at,
  revoked_at: k.revoked_at,
  status: k.revoked_at ? 'revoked' : 'active',
});

/**
 * A version as `/api/v1/policies` answers it (CONTRACT.md §3), inside the `{"success":true,
 * "data":…}` body every admin route uses (§4). The document is included when asked.
 */
export function versionView(v: VersionState, withDocument = false) {
  return {
    id: v.version_id,
    policy_id: v.policy_id,
    org_id: v.document.org_id,
    policy_version: v.policy_version,
    status: v.status,
    digest: v.digest,
    signatures: v.signatures.map((s) => ({
      signer: s.signer,
      signer_key_id: s.signer_key_id,
      signature: s.signature,
      signed_at: s.signed_at,
    })),
    required_signers: v.required_signers,
    effective_date: v.effective_date,
    created_at: v.created_at,
    activated_at: v.activated_at,
    change: v.cause,
    ...(withDocument ? { document: v.document } : {}),
  };
}

export const teamsOf = (s: OrgState) =>
  [...s.teams.values()].map((t) => ({
    id: t.team_id,
    org_id: t.org_id,
    name: t.name,
    created_at: t.created_at,
  }));

type AgentState = OrgState['agents'] extends Map<string, infer A> ? A : never;

/**
 * An agent as `/governance/agents` answers it, with its review status: the registry owns the
 * `require_human_review` rules (of the active version, the one enforced), the approval
 * workflow records reviews (`agent.review.recorded`, folded into `agent_reviews` here).
 */
export function agentView(
  a: AgentState,
  review?: { document: PolicyDocument | null; last_reviewed_at: string | null; now: Date },
) {
  const view = {
    id: a.agent_id,
    org_id: a.org_id,
    team_id: a.team_id,
    name: a.name,
    environment: a.environment,
    created_at: a.created_at,
  };
  if (!review) return view;
  const requirement = review.document
    ? requirementFor(reviewRulesOf(review.document.rules), a)
    : null;
  const status = reviewStatus(
    a,
    requirement,
    review.last_reviewed_at ? { reviewed_at: review.last_reviewed_at } : null,
    review.now,
  );
  return {
    ...view,
    review: {
      required: status.review_required,
      policy_id: status.policy_id,
      review_interval_days: status.review_interval_days,
      on_overdue: status.on_overdue,
      last_reviewed_at: review.last_reviewed_at,
      next_review_due: status.next_review_due,
      overdue: status.overdue,
    },
  };
}

/**
 * An exception as `/governance/exceptions` answers it: `pending` while only a draft holds it
 * (a signer quorum has not approved that version, so the gateway does not apply it yet),
 * `expired` once past `expires_at`, else `active`.
 */
export const exceptionView = (
  e: PolicyException,
  policyVersion: number,
  now: Date,
  inForce: boolean,
) => ({
  ...e,
  status:
    Date.parse(e.expires_at) <= now.getTime()
      ? ('expired' as const)
      : inForce
        ? ('active' as const)
        : ('pending' as const),
  policy_version: policyVersion,
});

/**
 * The settings routes' view of an org: what the gateway enforces (the active version) and,
 * when a newer draft waits for its signer quorum, that draft apart (`pending`).
 */
export function settingsState(state: OrgState) {
  const active = state.versions.find((v) => v.status === 'active') ?? null;
  const head = state.versions.at(-1) ?? null;
  const newer = head && (!active || head.policy_version > active.policy_version);
  const draft = newer && head.status === 'draft' ? head : null;
  return { active, draft };
}

/** A draft version of the settings as PUT (202) and GET (`pending`) answer it. */
export const pendingSettingsView = (v: VersionState) => ({
  version_id: v.version_id,
  policy_version: v.policy_version,
  status: v.status,
  required_signers: v.required_signers,
  signatures: v.signatures.length,
  settings: v.document.settings,
});

/**
 * A signer key as `/api/v1/policies/signers` answers it: the principal it is bound to, its
 * status and, while pending, the base64 bytes an approving signer signs (`approval_payload`).
 */
export const signerView = (orgId: string, k: SignerKey) => ({
  signer: k.signer,
  signer_key_id: k.signer_key_id,
  public_key: k.public_key,
  registered_at: k.registered_at,
  registered_by: k.registered_by,
  status: k.status,
  activated_at: k.activated_at,
  required_approvals: k.required_approvals,
  approvals: k.approvals.map((a) => ({
    approver: a.approver,
    approver_key_id: a.approver_key_id,
    approved_by: a.principal,
    approved_at: a.approved_at,
  })),
  ...(k.status === 'pending'
    ? { approval_payload: signerApprovalBytes(orgId, k).toString('base64') }
    : {}),
});
