import { deciderSpec } from '@llmgov/testing';
import { hashSecret } from '@llmgov/service-kit';
import type { DecideContext, OrgEvent } from './org-events';
import { evolve, initialState, type OrgState } from './org-state';
import { createAgent, createKey, createOrg, createTeam, revokeKey } from './tenancy.decide';

let seq = 0;
const ctx: DecideContext = {
  now: '2026-03-17T10:00:00.000Z',
  newId: (p) => `${p}_${++seq}`,
  actor: { kind: 'admin_key', id: 'key_admin' },
};
const { given } = deciderSpec<OrgState, OrgEvent>({ initialState, evolve });
const newOrg = (s: OrgState) =>
  createOrg(s, { org_id: 'org_1', name: 'Acme', plan: 'growth' }, ctx);
const owner = { role: 'owner' as const, platform_owner: false };
const admin = { role: 'admin' as const, platform_owner: false };
const ownerKey = (s: OrgState) =>
  createKey(s, { kind: 'admin', role: 'owner', secret: 'msh_owner0000000000' }, ctx);
const keyIds = (s: OrgState) => [...s.keys.keys()];

describe('tenancy decider', () => {
  it('creates an org with its plan defaults as version 1, active at once', () => {
    given()
      .when((s) => createOrg(s, { org_id: 'org_1', name: 'Acme', plan: 'growth' }, ctx))
      .then(
        [
          { type: 'org.created', data: { org_id: 'org_1', name: 'Acme', plan: 'growth' } },
          { type: 'version.created' },
          { type: 'version.activated' },
        ],
        (after) => expect(after.versions[0]).toMatchObject({ policy_version: 1, status: 'active' }),
      );
  });

  it('refuses a second org on the same stream (409)', () => {
    given(newOrg)
      .when(newOrg)
      .thenRefused({ kind: 'conflict', code: 'conflict', message: /already exists/ });
  });

  it('refuses a team, an agent or a key on a stream without an org (404)', () => {
    given()
      .when((s) => createTeam(s, { name: 't' }, ctx))
      .thenRefused({ kind: 'not_found' });
    given()
      .when((s) => createAgent(s, { name: 'a', environment: 'production' }, ctx))
      .thenRefused({ kind: 'not_found' });
    given()
      .when((s) => createKey(s, { kind: 'gateway', secret: 'gk_x' }, ctx))
      .thenRefused({ kind: 'not_found', code: 'not_found' });
  });

  it('creates a team and an agent in it; an unknown team is refused naming team_id', () => {
    const withTeam = given(newOrg, (s) => createTeam(s, { name: 'payments' }, ctx));
    const teamId = [...withTeam.state.teams.keys()][0]!;
    withTeam
      .when((s) => createAgent(s, { name: 'bot', environment: 'staging', team_id: teamId }, ctx))
      .then([{ type: 'agent.created', data: { team_id: teamId, environment: 'staging' } }]);
    withTeam
      .when((s) => createAgent(s, { name: 'bot', environment: 'staging', team_id: 'team_x' }, ctx))
      .thenRefused({ kind: 'invalid', code: 'validation_failed', message: /team_id team_x/ });
  });

  it("a gateway key stores the secret's hash only, and takes its agent's team", () => {
    const org = given(
      newOrg,
      (s) => createTeam(s, { name: 't' }, ctx),
      (s) =>
        createAgent(
          s,
          { name: 'a', environment: 'production', team_id: [...s.teams.keys()][0] },
          ctx,
        ),
    );
    const agent = [...org.state.agents.values()][0]!;
    const { decision } = org.when((s) =>
      createKey(s, { kind: 'gateway', agent_id: agent.agent_id, secret: 'gk_secret1234abcd' }, ctx),
    );
    org
      .when((s) =>
        createKey(
          s,
          { kind: 'gateway', agent_id: agent.agent_id, secret: 'gk_secret1234abcd' },
          ctx,
        ),
      )
      .then([
        {
          type: 'key.created',
          data: {
            kind: 'gateway',
            agent_id: agent.agent_id,
            team_id: agent.team_id,
            key_hash: hashSecret('gk_secret1234abcd'),
            prefix: 'gk_secr',
          },
        },
      ]);
    expect(JSON.stringify(decision)).not.toContain('gk_secret1234abcd');
  });

  it('refuses a key naming an unknown agent, or a team other than its agent’s', () => {
    const org = given(
      newOrg,
      (s) => createTeam(s, { name: 't1' }, ctx),
      (s) => createTeam(s, { name: 't2' }, ctx),
      (s) =>
        createAgent(
          s,
          { name: 'a', environment: 'production', team_id: [...s.teams.keys()][0] },
          ctx,
        ),
    );
    const [, other] = [...org.state.teams.keys()];
    const agentId = [...org.state.agents.keys()][0]!;
    org
      .when((s) => createKey(s, { kind: 'gateway', agent_id: 'agt_x', secret: 'gk_1' }, ctx))
      .thenRefused({ kind: 'invalid', message: /agent_id agt_x/ });
    org
      .when((s) =>
        createKey(s, { kind: 'gateway', agent_id: agentId, team_id: other, secret: 'gk_1' }, ctx),
      )
      .thenRefused({ kind: 'invalid', message: /belongs to team/ });
  });

  it('revokes a key once; revoking it again changes nothing; an unknown key is 404', () => {
    const org = given(newOrg, (s) => createKey(s, { kind: 'gateway', secret: 'gk_1' }, ctx));
    const keyId = keyIds(org.state)[0]!;
    const revoked = org
      .when((s) => revokeKey(s, { key_id: keyId, by: admin }, ctx))
      .then([{ type: 'key.revoked', data: { key_id: keyId, revoked_at: ctx.now } }]);
    given(org.events, revoked)
      .when((s) => revokeKey(s, { key_id: keyId, by: admin }, ctx))
      .then([]);
    org
      .when((s) => revokeKey(s, { key_id: 'key_x', by: admin }, ctx))
      .thenRefused({
        kind: 'not_found',
      });
  });

  it('only an owner revokes an owner key, and never the last one', () => {
    const one = given(newOrg, ownerKey);
    const first = keyIds(one.state)[0]!;
    one
      .when((s) => revokeKey(s, { key_id: first, by: admin }, ctx))
      .thenRefused({ kind: 'forbidden', code: 'insufficient_role' });
    one
      .when((s) => revokeKey(s, { key_id: first, by: owner }, ctx))
      .thenRefused({ kind: 'conflict', code: 'last_owner_key' });
    given(one.events, ownerKey)
      .when((s) => revokeKey(s, { key_id: first, by: owner }, ctx))
      .then([{ type: 'key.revoked', data: { key_id: first } }]);
  });
});
