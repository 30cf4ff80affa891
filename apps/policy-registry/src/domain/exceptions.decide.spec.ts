import { deciderSpec } from '@llmgov/testing';
import type { DecideContext, OrgEvent } from './org-events';
import { evolve, fold, headVersion, initialState, type OrgState } from './org-state';
import { createAgent, createOrg } from './tenancy.decide';
import { createException, revokeException } from './exceptions.decide';

let seq = 0;
const ctx: DecideContext = {
  now: '2026-03-17T10:00:00.000Z',
  newId: (p) => `${p}_${++seq}`,
  actor: { kind: 'admin_key', id: 'key_admin' },
};
const {
  given,
  events: accepted,
  refusedAs,
} = deciderSpec<OrgState, OrgEvent>({
  initialState,
  evolve,
});
const org = given(
  (s) => createOrg(s, { org_id: 'org_1', name: 'Acme', plan: 'growth' }, ctx),
  (s) => createAgent(s, { name: 'bot', environment: 'production' }, ctx),
).state;
const agentId = [...org.agents.keys()][0];
const base = {
  kind: 'pii_pattern' as const,
  target: 'email',
  scope: 'org' as const,
  reason: 'pilot',
  expires_at: '2026-03-24T10:00:00.000Z',
};

describe('exceptions decider', () => {
  it('an exception is a new version approved by the actor; revoking it is another', () => {
    const created = createException(org, { ...base, scope: 'agent', scope_id: agentId }, ctx);
    const events = accepted(created);
    const exception = created.ok ? created.result : null!;
    const s = fold(events, structuredClone(org));
    expect(exception).toMatchObject({
      approver: 'key_admin',
      scope_id: agentId,
      created_at: ctx.now,
    });
    expect(headVersion(s)).toMatchObject({
      policy_version: 2,
      status: 'active',
      cause: { kind: 'exception_created', exception_id: exception.id },
    });
    expect(headVersion(s)!.document.exceptions).toEqual([exception]);
    const revoked = fold(accepted(revokeException(s, { exception_id: exception.id }, ctx)), s);
    expect(headVersion(revoked)!.document.exceptions).toEqual([]);
    expect(revokeException(revoked, { exception_id: exception.id }, ctx)).toMatchObject(
      refusedAs('not_found'),
    );
  });

  it.each<[string, Record<string, unknown>]>([
    ['expiry now', { expires_at: ctx.now }],
    ['expiry past 90 days', { expires_at: '2026-06-16T10:00:01.000Z' }],
    ['an unknown pattern', { target: 'shoe_size' }],
    ['an uncatalogued model', { kind: 'model', target: 'groq/llama-3.1-8b-instant' }],
    ['a provider name with spaces', { kind: 'provider', target: 'open ai' }],
    ['org scope with an id', { scope_id: agentId }],
    ['a key scope naming an agent', { scope: 'key', scope_id: agentId }],
  ])('refuses %s', (_name, over) => {
    expect(createException(org, { ...base, ...over } as never, ctx)).toMatchObject(
      refusedAs('invalid'),
    );
  });

  it('accepts exactly 90 days', () => {
    expect(
      createException(org, { ...base, expires_at: '2026-06-15T10:00:00.000Z' }, ctx),
    ).toMatchObject({ ok: true, result: { expires_at: '2026-06-15T10:00:00.000Z' } });
  });
});
