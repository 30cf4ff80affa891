import { digestOf, verifySignature, type PolicyDocument } from '@llmgov/policy-schema';
import type { DecideContext, OrgEvent, VersionCause } from './org-events';
import {
  activeVersion,
  fold,
  headVersion,
  initialState,
  principalId,
  type OrgState,
  type VersionState,
} from './org-state';

/**
 * A change of the document as a new version: the next number, its digest, the quorum it
 * needs, and its activation when that quorum is 0. The quorum is the larger of the active
 * version's and the new document's `required_signers`, so lowering the quorum needs the
 * signatures of the policy in force.
 */
export function newVersion(
  state: OrgState,
  document: PolicyDocument,
  cause: VersionCause,
  ctx: DecideContext,
  effectiveDate = ctx.now,
): OrgEvent[] {
  if (!state.org) throw new Error('newVersion on an org that does not exist');
  const head = headVersion(state);
  const policy_id = head?.policy_id ?? ctx.newId('pdoc');
  const policy_version = (head?.policy_version ?? 0) + 1;
  const org_id = state.org.org_id;
  const required_signers = Math.max(
    activeVersion(state)?.required_signers ?? 0,
    document.deployer.required_signers,
  );
  const version_id = ctx.newId('pv');
  const digest = digestOf({
    org_id,
    policy_id,
    policy_version,
    effective_date: effectiveDate,
    document,
  });
  const created: OrgEvent = {
    type: 'version.created',
    data: {
      org_id,
      policy_id,
      version_id,
      policy_version,
      effective_date: effectiveDate,
      document,
      digest,
      required_signers,
      cause,
      created_at: ctx.now,
      actor: ctx.actor,
    },
  };
  if (required_signers > 0) return [created];
  return [created, activation(fold([created], cloneVersions(state)), version_id, ctx.now)];
}

/** Activates a version and supersedes every older draft or active one. */
export function activation(state: OrgState, versionId: string, now: string): OrgEvent {
  const target = state.versions.find((v) => v.version_id === versionId) as VersionState;
  const superseded = state.versions
    .filter((v) => v.policy_version < target.policy_version && v.status !== 'superseded')
    .map((v) => v.version_id);
  return {
    type: 'version.activated',
    data: { org_id: target.document.org_id, version_id: versionId, superseded, activated_at: now },
  };
}

/**
 * Distinct admin principals whose active signer's signature verifies over the version (the
 * quorum count): two signer names registered by one principal count once.
 */
export function validSigners(state: OrgState, version: VersionState): Set<string> {
  const content = {
    org_id: version.document.org_id,
    policy_id: version.policy_id,
    policy_version: version.policy_version,
    effective_date: version.effective_date,
    document: version.document,
  };
  const ok = new Set<string>();
  for (const s of version.signatures) {
    const key = state.signers.get(s.signer_key_id);
    if (key?.status !== 'active') continue;
    if (verifySignature(content, s.signature, key.public_key))
      ok.add(principalId(key.registered_by));
  }
  return ok;
}

/** A shallow copy deep enough for `evolve` to add a version without touching the caller's state. */
function cloneVersions(state: OrgState): OrgState {
  return {
    ...initialState(),
    ...state,
    versions: state.versions.map((v) => ({ ...v, signatures: [...v.signatures] })),
  };
}
