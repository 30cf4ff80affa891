import {
  COMPLIANCE_CHECKS,
  COMPLIANCE_MODEL_VERSION,
  applyPatch,
  remediationFor,
  type AgentFacts,
  type ComplianceInput,
  type ProductFacts,
  type Remediation,
} from '@llmgov/compliance';
import { policyDocument } from '@llmgov/policy-schema';
import { accept, isRefused, refuse, type Decision, type Refused } from '@llmgov/eventstore';
import { parseOrRefuse } from '@llmgov/service-kit';
import { headDocument } from './document.decide';
import type { DecideContext, OrgEvent } from './org-events';
import { activeVersion, type OrgState } from './org-state';
import { newVersion } from './versions';

/** What the registry knows beside the document: agents' last reviews and recorded requests. */
export interface ComplianceFactsIn {
  last_reviews: ReadonlyMap<string, string>;
  facts: ProductFacts;
  now: Date;
}

/** The compliance input of the org's active version (the one enforced); null without one. */
export function complianceInput(state: OrgState, known: ComplianceFactsIn): ComplianceInput | null {
  const active = activeVersion(state);
  if (!active) return null;
  const agents: AgentFacts[] = [...state.agents.values()].map((a) => ({
    agent_id: a.agent_id,
    team_id: a.team_id,
    created_at: a.created_at,
    last_reviewed_at: known.last_reviews.get(a.agent_id) ?? null,
  }));
  return { document: active.document, agents, facts: known.facts, now: known.now };
}

export function requireInput(state: OrgState, known: ComplianceFactsIn): ComplianceInput | Refused {
  return (
    complianceInput(state, known) ??
    refuse('not_found', 'no_active_policy', 'No active policy version')
  );
}

/** The remediation of a check on the active version: 404 for an unknown check, 409 when there is nothing to fix. */
export function requireRemediation(
  input: ComplianceInput | Refused,
  id: string,
): Remediation | Refused {
  if (isRefused(input)) return input;
  if (!COMPLIANCE_CHECKS.some((c) => c.id === id))
    return refuse('not_found', 'not_found', `No compliance check ${id}`);
  return (
    remediationFor(input, id) ??
    refuse(
      'conflict',
      'nothing_to_remediate',
      `Check ${id} has nothing a policy change can fix (it passes, or only facts fail)`,
    )
  );
}

/**
 * Applies a remediation as a new version of the document, the way every change is made: the
 * patch computed on the active version, applied on the newest one, validated, versioned
 * (a draft when a signer quorum is required), its cause naming the check.
 */
export function applyRemediation(
  state: OrgState,
  cmd: { id: string; known: ComplianceFactsIn },
  ctx: DecideContext,
): Decision<OrgEvent, Remediation> {
  const remediation = requireRemediation(requireInput(state, cmd.known), cmd.id);
  if (isRefused(remediation)) return remediation;
  const head = headDocument(state);
  if (isRefused(head)) return head;
  const document = parseOrRefuse(
    policyDocument,
    applyPatch(head, remediation.patch, ctx),
    'patched policy document',
  );
  if (isRefused(document)) return document;
  const cause = {
    kind: 'compliance_remediation' as const,
    remediation: {
      remediation_id: remediation.id,
      check_id: remediation.check_id,
      article: remediation.article,
      model_version: COMPLIANCE_MODEL_VERSION,
      diff: remediation.diff,
      score_before: remediation.score_before,
      score_after: remediation.score_after,
    },
  };
  return accept(newVersion(state, document, cause, ctx), remediation);
}
