import { DEFAULT_DEPLOYER, PLAN_DEFAULTS, type PolicyDocument } from '@llmgov/policy-schema';
import { accept, isRefused, refuse, type Decision, type Refused } from '@llmgov/eventstore';
import { hashSecret } from '@llmgov/service-kit';
import type { AdminRole, DecideContext, OrgEvent, Plan } from './org-events';
import type { KeyState, OrgState } from './org-state';

type OrgData = NonNullable<OrgState['org']>;
import { newVersion } from './versions';

export type CreateKey =
  | {
      kind: 'gateway';
      team_id?: string | null;
      agent_id?: string | null;
      name?: string | null;
      secret: string;
    }
  | { kind: 'admin'; role: AdminRole; name?: string | null; secret: string };

/** First characters of a secret so humans recognise it (`gk_3f9a`, `msh_3f9a`): 4 of 256 random bits. */
export const keyPrefix = (secret: string) => secret.slice(0, secret.indexOf('_') + 5);

/** A new org with its plan's default settings as version 1, active at once (quorum 0). */
export function createOrg(
  state: OrgState,
  cmd: { org_id: string; name: string; plan: Plan },
  ctx: DecideContext,
): Decision<OrgEvent> {
  if (state.org) return refuse('conflict', 'conflict', `Org ${cmd.org_id} already exists`);
  const created: OrgEvent = {
    type: 'org.created',
    data: {
      org_id: cmd.org_id,
      name: cmd.name,
      plan: cmd.plan,
      created_at: ctx.now,
      actor: ctx.actor,
    },
  };
  const document: PolicyDocument = {
    org_id: cmd.org_id,
    plan: cmd.plan,
    settings: structuredClone(PLAN_DEFAULTS[cmd.plan]),
    rules: [],
    deployer: structuredClone(DEFAULT_DEPLOYER),
    exceptions: [],
  };
  const withOrg: OrgState = { ...state, org: { ...created.data } };
  return accept([created, ...newVersion(withOrg, document, { kind: 'org_created' }, ctx)]);
}

export function createTeam(
  state: OrgState,
  cmd: { name: string },
  ctx: DecideContext,
): Decision<OrgEvent> {
  const org = requireOrg(state);
  if (isRefused(org)) return org;
  return accept([
    {
      type: 'team.created',
      data: {
        org_id: org.org_id,
        team_id: ctx.newId('team'),
        name: cmd.name,
        created_at: ctx.now,
        actor: ctx.actor,
      },
    },
  ]);
}

export function createAgent(
  state: OrgState,
  cmd: { name: string; environment: string; team_id?: string | null },
  ctx: DecideContext,
): Decision<OrgEvent> {
  const org = requireOrg(state);
  if (isRefused(org)) return org;
  if (cmd.team_id && !state.teams.has(cmd.team_id)) return unknownRef('team_id', cmd.team_id);
  return accept([
    {
      type: 'agent.created',
      data: {
        org_id: org.org_id,
        agent_id: ctx.newId('agt'),
        team_id: cmd.team_id ?? null,
        name: cmd.name,
        environment: cmd.environment,
        created_at: ctx.now,
        actor: ctx.actor,
      },
    },
  ]);
}

/**
 * Issues a key bound to this org. A gateway key's agent and team must be the org's, and an
 * agent key's team is the agent's. The secret comes in (random, from the caller) and only
 * its hash goes into the event.
 */
export function createKey(
  state: OrgState,
  cmd: CreateKey,
  ctx: DecideContext,
  platformOwner = false,
): Decision<OrgEvent> {
  const org = platformOwner ? null : requireOrg(state);
  if (isRefused(org)) return org;
  const org_id = org?.org_id ?? null;
  let team_id: string | null = null;
  let agent_id: string | null = null;
  if (cmd.kind === 'gateway') {
    team_id = cmd.team_id ?? null;
    agent_id = cmd.agent_id ?? null;
    if (team_id && !state.teams.has(team_id)) return unknownRef('team_id', team_id);
    if (agent_id) {
      const agent = state.agents.get(agent_id);
      if (!agent) return unknownRef('agent_id', agent_id);
      if (team_id && agent.team_id && agent.team_id !== team_id) {
        return refuse(
          'invalid',
          'validation_failed',
          `Agent ${agent_id} belongs to team ${agent.team_id}`,
          [{ field: 'team_id', message: `agent is in team ${agent.team_id}` }],
        );
      }
      team_id = team_id ?? agent.team_id;
    }
  }
  return accept([
    {
      type: 'key.created',
      data: {
        org_id,
        key_id: ctx.newId('key'),
        kind: cmd.kind,
        role: cmd.kind === 'admin' ? cmd.role : null,
        platform_owner: platformOwner,
        team_id,
        agent_id,
        name: cmd.name ?? null,
        key_hash: hashSecret(cmd.secret),
        prefix: keyPrefix(cmd.secret),
        created_at: ctx.now,
        actor: ctx.actor,
      },
    },
  ]);
}

/** Who revokes: an owner key is the owners' (and the platform owner's) to revoke. */
export interface Revoker {
  role: AdminRole;
  platform_owner: boolean;
}

const isLiveOwnerKey = (k: KeyState) =>
  k.kind === 'admin' && k.role === 'owner' && !k.platform_owner && !k.revoked_at;

/**
 * Revokes a key; revoking a revoked key changes nothing (idempotent). Only an owner may revoke
 * an owner key, and the org's last live owner key cannot be revoked (the org would be locked
 * out: only an owner issues owner keys).
 */
export function revokeKey(
  state: OrgState,
  cmd: { key_id: string; by: Revoker },
  ctx: DecideContext,
): Decision<OrgEvent> {
  const key = state.keys.get(cmd.key_id);
  if (!key) return refuse('not_found', 'not_found', `Key ${cmd.key_id} not found`);
  if (key.revoked_at) return accept([]);
  if (isLiveOwnerKey(key)) {
    if (!cmd.by.platform_owner && cmd.by.role !== 'owner')
      return refuse('forbidden', 'insufficient_role', 'Only an owner revokes an owner key');
    if ([...state.keys.values()].filter(isLiveOwnerKey).length <= 1) {
      const message =
        'The last owner key of an org cannot be revoked: issue another owner key first';
      return refuse('conflict', 'last_owner_key', message);
    }
  }
  return accept([
    {
      type: 'key.revoked',
      data: { org_id: key.org_id, key_id: key.key_id, revoked_at: ctx.now, actor: ctx.actor },
    },
  ]);
}

/** The org of the stream, or 404 when the stream holds no org. */
export function requireOrg(state: OrgState): OrgData | Refused {
  return state.org ?? refuse('not_found', 'not_found', 'Org not found');
}

/** 400 naming the field whose id is not one of this org's. */
export const unknownRef = (field: string, id: string): Refused =>
  refuse('invalid', 'validation_failed', `${field} ${id} does not exist in this org`, [
    { field, message: `unknown ${field.replace(/_id$/, '')} ${id}` },
  ]);
