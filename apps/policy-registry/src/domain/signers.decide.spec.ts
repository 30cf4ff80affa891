import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { canonicalBytes } from '@llmgov/policy-schema';
import { deciderSpec, type DecisionLike } from '@llmgov/testing';
import type { DecideContext, OrgEvent } from './org-events';
import {
  activeVersion,
  evolve,
  fold as foldEvents,
  headVersion,
  initialState,
  type OrgState,
} from './org-state';
import { createOrg } from './tenancy.decide';
import { publish, sign } from './document.decide';
import { approveSigner, registerSigner, signerApprovalBytes } from './signers.decide';

let seq = 0;
const as = (id: string): DecideContext => ({
  now: '2026-03-17T10:00:00.000Z',
  newId: (p) => `${p}_${++seq}`,
  actor: { kind: 'admin_key', id },
});
const spec = deciderSpec<OrgState, OrgEvent>({ initialState, evolve });
const given = (...batches: Parameters<typeof spec.given>) => spec.given(...batches).state;
const { refusedAs, events: accepted } = spec;
/** The state after an accepted decision. */
const fold = (decision: DecisionLike<OrgEvent>, s: OrgState) => foldEvents(accepted(decision), s);
const newOrg = (s: OrgState) =>
  createOrg(s, { org_id: 'org_1', name: 'Acme', plan: 'starter' }, as('key_owner'));
const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { pub: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), privateKey };
};
type Pair = ReturnType<typeof pair>;
const signHead = (s: OrgState, key: Pair) => {
  const v = headVersion(s)!;
  return edSign(
    null,
    canonicalBytes({
      org_id: 'org_1',
      policy_id: v.policy_id,
      policy_version: v.policy_version,
      effective_date: v.effective_date,
      document: v.document,
    }),
    key.privateKey,
  ).toString('base64');
};
const signerKeyId = (s: OrgState, signer: string) =>
  [...s.signers.values()].find((k) => k.signer === signer)!.signer_key_id;

describe('signers are bound to principals', () => {
  const alice = pair();
  const bob = pair();
  const alias = pair();
  const quorum2 = () =>
    given(
      newOrg,
      (st) => registerSigner(st, { signer: 'alice', public_key: alice.pub }, as('key_a')),
      (st) => registerSigner(st, { signer: 'bob', public_key: bob.pub }, as('key_b')),
      (st) => publish(st, { deployer: { required_signers: 2 } }, as('key_a')),
    );

  it('one principal cannot sign as a signer another principal registered (403)', () => {
    const s = quorum2();
    expect(
      sign(
        s,
        { version_id: headVersion(s)!.version_id, signer: 'bob', signature: signHead(s, bob) },
        as('key_a'),
      ),
    ).toMatchObject(refusedAs('forbidden'));
  });

  it('two signer names of one principal count once: its second signature is refused', () => {
    let s = given(
      newOrg,
      (st) => registerSigner(st, { signer: 'alice', public_key: alice.pub }, as('key_a')),
      (st) => registerSigner(st, { signer: 'alice-alias', public_key: alias.pub }, as('key_a')),
      (st) => publish(st, { deployer: { required_signers: 2 } }, as('key_a')),
    );
    s = fold(
      sign(
        s,
        { version_id: headVersion(s)!.version_id, signer: 'alice', signature: signHead(s, alice) },
        as('key_a'),
      ),
      s,
    );
    expect(
      sign(
        s,
        {
          version_id: headVersion(s)!.version_id,
          signer: 'alice-alias',
          signature: signHead(s, alias),
        },
        as('key_a'),
      ),
    ).toMatchObject(refusedAs('conflict'));
    expect(headVersion(s)!.status).toBe('draft');
  });

  it("a signer name belongs to the principal that registered it (409 to another's key under that name)", () => {
    const s = quorum2();
    expect(
      registerSigner(s, { signer: 'alice', public_key: pair().pub }, as('key_mallory')),
    ).toMatchObject(refusedAs('conflict'));
  });

  it('under a quorum, a new signer is pending until signers of that many other principals approve it', () => {
    let s = quorum2();
    const v = headVersion(s)!.version_id;
    s = fold(
      sign(s, { version_id: v, signer: 'alice', signature: signHead(s, alice) }, as('key_a')),
      s,
    );
    s = fold(
      sign(s, { version_id: v, signer: 'bob', signature: signHead(s, bob) }, as('key_b')),
      s,
    );
    expect(activeVersion(s)!.required_signers).toBe(2);

    const carol = pair();
    s = fold(registerSigner(s, { signer: 'carol', public_key: carol.pub }, as('key_c')), s);
    const id = signerKeyId(s, 'carol');
    expect(s.signers.get(id)).toMatchObject({ status: 'pending', required_approvals: 2 });
    s = fold(publish(s, { deployer: { retention_days: 99 } }, as('key_c')), s);
    expect(
      sign(
        s,
        { version_id: headVersion(s)!.version_id, signer: 'carol', signature: signHead(s, carol) },
        as('key_c'),
      ),
    ).toMatchObject(refusedAs('forbidden'));

    const approval = (k: Pair) =>
      edSign(null, signerApprovalBytes('org_1', s.signers.get(id)!), k.privateKey).toString(
        'base64',
      );
    expect(
      approveSigner(
        s,
        { signer_key_id: id, approver: 'carol', signature: approval(carol) },
        as('key_c'),
      ),
    ).toMatchObject(refusedAs('forbidden'));
    s = fold(
      approveSigner(
        s,
        { signer_key_id: id, approver: 'alice', signature: approval(alice) },
        as('key_a'),
      ),
      s,
    );
    expect(s.signers.get(id)!.status).toBe('pending');
    const events = accepted(
      approveSigner(
        s,
        { signer_key_id: id, approver: 'bob', signature: approval(bob) },
        as('key_b'),
      ),
    );
    expect(events.map((e) => e.type)).toEqual(['signer.approved', 'signer.activated']);
    s = foldEvents(events, s);
    expect(s.signers.get(id)!.status).toBe('active');
  });
});
