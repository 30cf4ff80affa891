import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { isEd25519PublicKey } from '@llmgov/policy-schema';
import { accept, isRefused, refuse, type Decision, type Refused } from '@llmgov/eventstore';
import type { Actor } from '@llmgov/events';
import type { DecideContext, OrgEvent } from './org-events';
import {
  activeVersion,
  principalId,
  signerKeysOf,
  type OrgState,
  type SignerKey,
} from './org-state';
import { requireOrg } from './tenancy.decide';

/**
 * The first of `keys` whose public key verifies the signature (`verifiesWith`), or the
 * `invalid_signature` refusal saying what was signed (`over`) and with whose key.
 */
export function verifyingKey<K extends Pick<SignerKey, 'public_key'>>(
  keys: readonly K[],
  verifiesWith: (publicKey: string) => boolean,
  over: string,
): K | Refused {
  const key = keys.find((k) => verifiesWith(k.public_key));
  if (key) return key;
  return refuse('invalid', 'invalid_signature', `Signature does not verify over ${over}`, [
    { field: 'signature', message: 'invalid Ed25519 signature' },
  ]);
}

/**
 * What an active signer signs to approve a pending signer key: canonical JSON (RFC 8785) of
 * the key's identity, with a `purpose` so it can never pass for a policy version signature.
 */
export function signerApprovalBytes(
  orgId: string,
  key: Pick<SignerKey, 'signer' | 'signer_key_id' | 'public_key'>,
): Buffer {
  const json = canonicalize({
    purpose: 'llmgov.signer.approve',
    org_id: orgId,
    signer: key.signer,
    signer_key_id: key.signer_key_id,
    public_key: key.public_key,
  });
  return Buffer.from(json as string, 'utf8');
}

const verifies = (bytes: Buffer, signatureB64: string, publicKeyB64: string): boolean => {
  try {
    const key = createPublicKey({
      key: Buffer.from(publicKeyB64, 'base64'),
      format: 'der',
      type: 'spki',
    });
    return cryptoVerify(null, bytes, key, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
};

/**
 * The active keys of `signer` that `actor` may sign with: a signer is bound to the admin
 * principal that registered it, so another principal naming it is refused (403), and a key
 * still waiting for the quorum's approval cannot sign (403).
 */
export function keysOfPrincipal(
  state: OrgState,
  signer: string,
  actor: Actor,
): SignerKey[] | Refused {
  const keys = signerKeysOf(state, signer);
  if (keys.length === 0)
    return refuse(
      'invalid',
      'validation_failed',
      `Unknown signer ${signer}: register a public key first`,
      [{ field: 'signer', message: 'no registered public key' }],
    );
  const mine = keys.filter((k) => principalId(k.registered_by) === principalId(actor));
  if (mine.length === 0)
    return refuse(
      'forbidden',
      'not_your_signer',
      `Signer ${signer} belongs to another admin principal; only it may sign as ${signer}`,
    );
  const active = mine.filter((k) => k.status === 'active');
  if (active.length === 0)
    return refuse(
      'forbidden',
      'signer_pending',
      `Signer ${signer} is pending: the signer quorum has not approved its key yet`,
    );
  return active;
}

/**
 * Registers a signer's Ed25519 public key (base64 SPKI DER), bound to the calling principal.
 * A signer name belongs to the principal that first registered it. Without a signer quorum
 * in force the key is active at once; under one (the active version's `required_signers`),
 * adding a signer is itself governed: the key is `pending` until signers of that many other
 * principals approve it (`approveSigner`), so one admin cannot mint a quorum of its own.
 */
export function registerSigner(
  state: OrgState,
  cmd: { signer: string; public_key: string },
  ctx: DecideContext,
): Decision<OrgEvent> {
  const org = requireOrg(state);
  if (isRefused(org)) return org;
  if (!isEd25519PublicKey(cmd.public_key)) {
    return refuse(
      'invalid',
      'validation_failed',
      'public_key is not an Ed25519 public key (base64 SPKI DER)',
      [{ field: 'public_key', message: 'expected a base64 SPKI DER Ed25519 public key' }],
    );
  }
  if ([...state.signers.values()].some((k) => k.public_key === cmd.public_key))
    return refuse('conflict', 'conflict', 'This public key is already registered');
  const owners = new Set(signerKeysOf(state, cmd.signer).map((k) => principalId(k.registered_by)));
  if (owners.size > 0 && !owners.has(principalId(ctx.actor))) {
    return refuse(
      'conflict',
      'signer_taken',
      `Signer ${cmd.signer} belongs to another admin principal`,
    );
  }
  const quorum = activeVersion(state)?.required_signers ?? 0;
  return accept([
    {
      type: 'signer.registered',
      data: {
        org_id: org.org_id,
        signer: cmd.signer,
        signer_key_id: ctx.newId('sk'),
        public_key: cmd.public_key,
        registered_at: ctx.now,
        actor: ctx.actor,
        status: quorum > 0 ? 'pending' : 'active',
        required_approvals: quorum,
      },
    },
  ]);
}

/**
 * An active signer of another principal approves a pending signer key with an Ed25519
 * signature over `signerApprovalBytes`; the key activates once approvals from
 * `required_approvals` distinct principals are in.
 */
export function approveSigner(
  state: OrgState,
  cmd: { signer_key_id: string; approver: string; signature: string },
  ctx: DecideContext,
): Decision<OrgEvent> {
  const org = requireOrg(state);
  if (isRefused(org)) return org;
  const key = state.signers.get(cmd.signer_key_id);
  if (!key) return refuse('not_found', 'not_found', `Signer key ${cmd.signer_key_id} not found`);
  if (key.status === 'active')
    return refuse('conflict', 'signer_active', `Signer key ${key.signer_key_id} is already active`);
  const me = principalId(ctx.actor);
  if (principalId(key.registered_by) === me)
    return refuse(
      'forbidden',
      'self_approval',
      'A principal cannot approve a signer it registered',
    );
  if (key.approvals.some((a) => principalId(a.principal) === me))
    return refuse(
      'conflict',
      'already_approved',
      `This principal already approved ${key.signer_key_id}`,
    );
  const bytes = signerApprovalBytes(org.org_id, key);
  const approverKeys = keysOfPrincipal(state, cmd.approver, ctx.actor);
  if (isRefused(approverKeys)) return approverKeys;
  const used = verifyingKey(
    approverKeys,
    (publicKey) => verifies(bytes, cmd.signature, publicKey),
    "the signer approval with the approver's key",
  );
  if (isRefused(used)) return used;
  const approved: OrgEvent = {
    type: 'signer.approved',
    data: {
      org_id: org.org_id,
      signer_key_id: key.signer_key_id,
      approver: cmd.approver,
      approver_key_id: used.signer_key_id,
      signature: cmd.signature,
      approved_at: ctx.now,
      actor: ctx.actor,
    },
  };
  const principals = new Set([...key.approvals.map((a) => principalId(a.principal)), me]);
  if (principals.size < key.required_approvals) return accept([approved]);
  return accept([
    approved,
    {
      type: 'signer.activated',
      data: { org_id: org.org_id, signer_key_id: key.signer_key_id, activated_at: ctx.now },
    },
  ]);
}
