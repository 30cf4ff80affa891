import { requirementFor, reviewRulesOf, reviewStatus, type PolicyDocument, type PolicyException } from '@llmgov/policy-schema';
import type { KeyState, OrgState, VersionState } from '../domain/org-state';

/** A typed policy as `/governance/policies` answers it. */
export const ruleView = (rule: PolicyDocument['rules'][number], policyVersion: number) => ({ ...rule, policy_version: policyVersion });

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
    signatures: v.signatures.map((s) => ({ signer: s.signer, signer_key_id: s.signer_key_id, signature: s.signature, signed_at: s.signed_at })),
    required_signers: v.required_signers,
    effective_date: v.effective_date,
    created_at: v.created_at,
    activated_at: v.activated_at,
    change: v.cause,
    ...(withDocument ? { document: v.document } : {}),
  };
}

export const teamsOf = (s: OrgState) => [...s.teams.values()].map((t) => ({ id: t.team_id, org_id: t.org_id, name: t.name, created_at: t.created_at }));

type AgentState = OrgState['agents'] extends Map<string, infer A> ? A : never;

/**
 * An agent as `/governance/agents` answers it, with its review status: the registry owns the
 * `require_human_review` rules (of the active version, the one enforced), the approval
 * workflow records reviews (`agent.review.recorded`, folded into `agent_reviews` here).
 */
export function agentView(a: AgentState, review?: { document: PolicyDocument | null; last_reviewed_at: string | null; now: Date }) {
  const view = { id: a.agent_id, org_id: a.org_id, team_id: a.team_id, name: a.name, environment: a.environment, created_at: a.created_at };
  if (!review) return view;
  const requirement = review.document ? requirementFor(reviewRulesOf(review.document.rules), a) : null;
  const status = reviewStatus(a, requirement, review.last_reviewed_at ? { reviewed_at: review.last_reviewed_at } : null, review.now);
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

/** An exception as `/governance/exceptions` answers it: `expired` once past `expires_at`. */
export const exceptionView = (e: PolicyException, policyVersion: number, now: Date) => ({
  ...e,
  status: Date.parse(e.expires_at) > now.getTime() ? ('active' as const) : ('expired' as const),
  policy_version: policyVersion,
});
