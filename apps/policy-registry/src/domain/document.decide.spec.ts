import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { canonicalBytes, PLAN_DEFAULTS, verifyVersion } from '@llmgov/policy-schema';
import { deciderSpec } from '@llmgov/testing';
import type { DecideContext, OrgEvent } from './org-events';
import { activeVersion, evolve, fold, headVersion, initialState, type OrgState } from './org-state';
import { createOrg, createTeam } from './tenancy.decide';
import {
  changeSettings,
  createRule,
  deleteRule,
  publish,
  sign,
  updateRule,
} from './document.decide';
import { registerSigner } from './signers.decide';
import { applyAll, toOutbox } from './outbox';

let seq = 0;
const ctx: DecideContext = {
  now: '2026-03-17T10:00:00.000Z',
  newId: (p) => `${p}_${++seq}`,
  actor: { kind: 'admin_key', id: 'key_admin' },
};
const as = (id: string): DecideContext => ({ ...ctx, actor: { kind: 'admin_key', id } });
const spec = deciderSpec<OrgState, OrgEvent>({ initialState, evolve });
const given = (...batches: Parameters<typeof spec.given>) => spec.given(...batches).state;
const { refusedAs, events: accepted } = spec;
const newOrg = (s: OrgState) =>
  createOrg(s, { org_id: 'org_1', name: 'Acme', plan: 'starter' }, ctx);

function signerPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { pub: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), privateKey };
}
const signVersion = (
  s: OrgState,
  versionId: string,
  privateKey: ReturnType<typeof signerPair>['privateKey'],
) => {
  const v = s.versions.find((x) => x.version_id === versionId)!;
  return edSign(
    null,
    canonicalBytes({
      org_id: 'org_1',
      policy_id: v.policy_id,
      policy_version: v.policy_version,
      effective_date: v.effective_date,
      document: v.document,
    }),
    privateKey,
  ).toString('base64');
};

describe('policy document decider', () => {
  it('a new org starts with its plan defaults as version 1, active at once', () => {
    const s = given(newOrg);
    expect(s.versions).toHaveLength(1);
    expect(activeVersion(s)).toMatchObject({ policy_version: 1, status: 'active' });
    expect(activeVersion(s)?.document.settings).toEqual(PLAN_DEFAULTS.starter);
  });

  it('a settings change is a new active version keeping fields left out and merging pii patterns', () => {
    const s = given(newOrg, (st) =>
      changeSettings(st, { rate_limit_rpm: 200, pii_patterns: { email: 'redact' } }, ctx),
    );
    expect(s.versions.map((v) => [v.policy_version, v.status])).toEqual([
      [1, 'superseded'],
      [2, 'active'],
    ]);
    const settings = activeVersion(s)!.document.settings;
    expect(settings).toMatchObject({
      rate_limit_rpm: 200,
      daily_budget_usd: 10,
      pii_patterns: { email: 'redact', ssn: 'block' },
    });
  });

  it('typed rules are created, updated and deleted, each as a version', () => {
    let ruleId = '';
    const s = given(
      newOrg,
      (st) => {
        const r = createRule(
          st,
          {
            name: 'rl',
            policy_type: 'rate_limit',
            config: { requests_per_minute: 60 },
            scope: 'global',
            enabled: true,
          },
          ctx,
        );
        if (r.ok) ruleId = r.result.id;
        return r;
      },
      (st) => updateRule(st, { rule_id: ruleId, patch: { enabled: false } }, ctx),
    );
    expect(headVersion(s)!.document.rules).toMatchObject([
      { id: ruleId, enabled: false, config: { requests_per_minute: 60 } },
    ]);
    const after = fold(accepted(deleteRule(s, { rule_id: ruleId }, ctx)), s);
    expect(headVersion(after)).toMatchObject({ policy_version: 4 });
    expect(headVersion(after)!.document.rules).toEqual([]);
    expect(deleteRule(after, { rule_id: ruleId }, ctx)).toMatchObject(refusedAs('not_found'));
  });

  it('a rule scoped to a team of another org is refused naming team_id', () => {
    const s = given(newOrg, (st) => createTeam(st, { name: 't' }, ctx));
    expect(
      createRule(
        s,
        {
          name: 'x',
          policy_type: 'rate_limit',
          config: { requests_per_minute: 1 },
          scope: 'team',
          team_id: 'team_other',
          enabled: true,
        },
        ctx,
      ),
    ).toMatchObject(refusedAs('invalid'));
  });

  it('a version with quorum 2 stays draft with one signature and activates with the second', () => {
    const alice = signerPair();
    const bob = signerPair();
    let s = given(
      newOrg,
      (st) =>
        registerSigner(st, { signer: 'alice@example.com', public_key: alice.pub }, as('key_alice')),
      (st) => registerSigner(st, { signer: 'bob@example.com', public_key: bob.pub }, as('key_bob')),
      (st) => publish(st, { template: 'eu_bank', deployer: { required_signers: 2 } }, ctx),
    );
    const draft = headVersion(s)!;
    expect(draft).toMatchObject({ status: 'draft', required_signers: 2 });
    expect(draft.document.deployer.log_level).toBe('verbose');
    s = fold(
      accepted(
        sign(
          s,
          {
            version_id: draft.version_id,
            signer: 'alice@example.com',
            signature: signVersion(s, draft.version_id, alice.privateKey),
          },
          as('key_alice'),
        ),
      ),
      s,
    );
    expect(headVersion(s)!.status).toBe('draft');
    expect(
      sign(
        s,
        {
          version_id: draft.version_id,
          signer: 'alice@example.com',
          signature: signVersion(s, draft.version_id, alice.privateKey),
        },
        as('key_alice'),
      ),
    ).toMatchObject(refusedAs('conflict'));
    const before = s;
    const events = accepted(
      sign(
        s,
        {
          version_id: draft.version_id,
          signer: 'bob@example.com',
          signature: signVersion(s, draft.version_id, bob.privateKey),
        },
        as('key_bob'),
      ),
    );
    s = applyAll(s, events);
    expect(s.versions.map((v) => v.status)).toEqual(['superseded', 'active']);
    const published = toOutbox(before, events, s, ctx.actor, ctx.now).filter(
      (m) => m.event.type === 'policy.published',
    );
    expect(published.map((m) => (m.event.data as { status: string }).status)).toEqual([
      'superseded',
      'active',
    ]);
    expect(verifyVersion(published[1].event.data as never)).toEqual({ ok: true });
  });

  it('a forged signature is refused', () => {
    const alice = signerPair();
    const mallory = signerPair();
    const s = given(
      newOrg,
      (st) => registerSigner(st, { signer: 'alice@example.com', public_key: alice.pub }, ctx),
      (st) => publish(st, { deployer: { required_signers: 1 } }, ctx),
    );
    const v = headVersion(s)!;
    expect(
      sign(
        s,
        {
          version_id: v.version_id,
          signer: 'alice@example.com',
          signature: signVersion(s, v.version_id, mallory.privateKey),
        },
        ctx,
      ),
    ).toMatchObject(refusedAs('invalid'));
  });

  it('lowering the quorum needs the signatures of the policy in force', () => {
    const alice = signerPair();
    const s = given(
      newOrg,
      (st) => registerSigner(st, { signer: 'alice@example.com', public_key: alice.pub }, ctx),
      (st) => publish(st, { deployer: { required_signers: 1 } }, ctx),
    );
    const v2 = headVersion(s)!;
    const active = fold(
      accepted(
        sign(
          s,
          {
            version_id: v2.version_id,
            signer: 'alice@example.com',
            signature: signVersion(s, v2.version_id, alice.privateKey),
          },
          ctx,
        ),
      ),
      s,
    );
    const lowered = fold(
      accepted(publish(active, { deployer: { required_signers: 0 } }, ctx)),
      active,
    );
    expect(headVersion(lowered)).toMatchObject({ status: 'draft', required_signers: 1 });
  });
});
