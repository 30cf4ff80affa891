import type { Actor } from '@llmgov/events';
import type { PolicyDocument } from '@llmgov/policy-schema';
import type {
  AgentCreatedData,
  KeyCreatedData,
  OrgCreatedData,
  OrgEvent,
  TeamCreatedData,
  VersionCause,
} from './org-events';

export interface KeyState extends Omit<KeyCreatedData, 'actor'> {
  revoked_at: string | null;
}
export interface SignatureState {
  signer: string;
  signer_key_id: string;
  signature: string;
  signed_at: string;
}
export interface VersionState {
  version_id: string;
  policy_id: string;
  policy_version: number;
  status: 'draft' | 'active' | 'superseded';
  effective_date: string;
  document: PolicyDocument;
  digest: string;
  required_signers: number;
  signatures: SignatureState[];
  cause: VersionCause;
  created_at: string;
  activated_at: string | null;
}
export interface SignerApproval {
  approver: string;
  approver_key_id: string;
  principal: Actor;
  signature: string;
  approved_at: string;
}
/** A signer's key; it signs for the principal that registered it (`registered_by`) only. */
export interface SignerKey {
  signer: string;
  signer_key_id: string;
  public_key: string;
  registered_at: string;
  registered_by: Actor;
  status: 'active' | 'pending';
  required_approvals: number;
  approvals: SignerApproval[];
  activated_at: string | null;
}

/** One org's stream folded: tenancy, the policy document's versions, signers. */
export interface OrgState {
  org: Omit<OrgCreatedData, 'actor'> | null;
  teams: Map<string, Omit<TeamCreatedData, 'actor'>>;
  agents: Map<string, Omit<AgentCreatedData, 'actor'>>;
  keys: Map<string, KeyState>;
  versions: VersionState[];
  signers: Map<string, SignerKey>;
}

export const initialState = (): OrgState => ({
  org: null,
  teams: new Map(),
  agents: new Map(),
  keys: new Map(),
  versions: [],
  signers: new Map(),
});

const strip = <T extends { actor: unknown }>({ actor: _actor, ...rest }: T): Omit<T, 'actor'> =>
  rest;

/** Applies one event to the state (mutating it: the state is private to its loader). */
export function evolve(state: OrgState, event: OrgEvent): OrgState {
  switch (event.type) {
    case 'org.created':
      state.org = strip(event.data);
      return state;
    case 'team.created':
      state.teams.set(event.data.team_id, strip(event.data));
      return state;
    case 'agent.created':
      state.agents.set(event.data.agent_id, strip(event.data));
      return state;
    case 'key.created':
      state.keys.set(event.data.key_id, { ...strip(event.data), revoked_at: null });
      return state;
    case 'key.revoked': {
      const key = state.keys.get(event.data.key_id);
      if (key) key.revoked_at = event.data.revoked_at;
      return state;
    }
    case 'version.created': {
      const d = event.data;
      state.versions.push({
        version_id: d.version_id,
        policy_id: d.policy_id,
        policy_version: d.policy_version,
        status: 'draft',
        effective_date: d.effective_date,
        document: d.document,
        digest: d.digest,
        required_signers: d.required_signers,
        signatures: [],
        cause: d.cause,
        created_at: d.created_at,
        activated_at: null,
      });
      return state;
    }
    case 'signer.registered': {
      const { signer, signer_key_id, public_key, registered_at, actor } = event.data;
      const { status = 'active', required_approvals = 0 } = event.data;
      const activated_at = status === 'active' ? registered_at : null;
      const key = {
        signer,
        signer_key_id,
        public_key,
        registered_at,
        registered_by: actor,
        status,
      };
      state.signers.set(signer_key_id, { ...key, required_approvals, approvals: [], activated_at });
      return state;
    }
    case 'signer.approved': {
      const { approver, approver_key_id, signature, approved_at, actor } = event.data;
      const approval = { approver, approver_key_id, principal: actor, signature, approved_at };
      state.signers.get(event.data.signer_key_id)?.approvals.push(approval);
      return state;
    }
    case 'signer.activated': {
      const key = state.signers.get(event.data.signer_key_id);
      if (key) {
        key.status = 'active';
        key.activated_at = event.data.activated_at;
      }
      return state;
    }
    case 'version.signed': {
      const { signer, signer_key_id, signature, signed_at } = event.data;
      versionById(state, event.data.version_id)?.signatures.push({
        signer,
        signer_key_id,
        signature,
        signed_at,
      });
      return state;
    }
    case 'version.activated': {
      const activated = versionById(state, event.data.version_id);
      if (activated) {
        activated.status = 'active';
        activated.activated_at = event.data.activated_at;
      }
      for (const id of event.data.superseded) {
        const old = versionById(state, id);
        if (old) old.status = 'superseded';
      }
      return state;
    }
    default: {
      const never: never = event;
      throw new Error(`unhandled org event ${(never as { type: string }).type}`);
    }
  }
}

export const fold = (events: readonly OrgEvent[], state = initialState()): OrgState =>
  events.reduce(evolve, state);

export const versionById = (state: OrgState, id: string): VersionState | undefined =>
  state.versions.find((v) => v.version_id === id);
/** The newest version: what the next change builds on (drafts included, like a branch head). */
export const headVersion = (state: OrgState): VersionState | undefined => state.versions.at(-1);
export const activeVersion = (state: OrgState): VersionState | undefined =>
  state.versions.find((v) => v.status === 'active');
export const signerKeysOf = (state: OrgState, signer: string): SignerKey[] =>
  [...state.signers.values()].filter((k) => k.signer === signer);
/** One spelling of a principal, to compare and count them. */
export const principalId = (actor: Actor): string => `${actor.kind}:${actor.id}`;
