import { ART5_PROHIBITED_PURPOSES } from '@llmgov/policy-schema';
import { deciderSpec } from '@llmgov/testing';
import type { DecideContext, OrgEvent } from './org-events';
import { activeVersion, evolve, headVersion, initialState, type OrgState } from './org-state';
import { createOrg } from './tenancy.decide';
import { changeSettings, publish } from './document.decide';
import { applyRemediation, type ComplianceFactsIn } from './compliance.decide';
import { applyAll, toOutbox } from './outbox';

let seq = 0;
const ctx: DecideContext = {
  now: '2026-03-17T10:00:00.000Z',
  newId: (p) => `${p}_${++seq}`,
  actor: { kind: 'admin_key', id: 'key_admin' },
};
const spec = deciderSpec<OrgState, OrgEvent>({ initialState, evolve });
const given = (...batches: Parameters<typeof spec.given>) => spec.given(...batches).state;
const { refusedAs, events: accepted } = spec;
const newOrg = (s: OrgState) => createOrg(s, { org_id: 'org_1', name: 'Acme', plan: 'free' }, ctx);
const known: ComplianceFactsIn = {
  last_reviews: new Map(),
  facts: { requests: null, audit: null, approvals: null },
  now: new Date(ctx.now),
};
const apply = (s: OrgState, id: string) => applyRemediation(s, { id, known }, ctx);

describe('compliance remediation decider', () => {
  it('a new org classifies every Art. 5 purpose as prohibited', () => {
    const tiers = activeVersion(given(newOrg))!.document.deployer.risk_tier_defaults;
    expect(Object.keys(ART5_PROHIBITED_PURPOSES).every((p) => tiers[p] === 'prohibited')).toBe(
      true,
    );
  });

  it('applies a remediation as one new active version whose cause names the check, publishing its event', () => {
    const s = given(newOrg, (st) => changeSettings(st, { pii_patterns: { ssn: 'off' } }, ctx));
    const events = accepted(apply(s, 'art10_data_governance'));
    const after = applyAll(s, events);
    expect(activeVersion(after)).toMatchObject({
      policy_version: 3,
      cause: { kind: 'compliance_remediation', remediation: { check_id: 'art10_data_governance' } },
    });
    expect(activeVersion(after)!.document.settings.pii_patterns.ssn).toBe('block');
    const outbox = toOutbox(s, events, after, ctx.actor, ctx.now).map((m) => m.event);
    expect(outbox.find((e) => e.type === 'compliance.remediation.applied')?.data).toMatchObject({
      check_id: 'art10_data_governance',
      article: 'Art. 10',
      policy_version: 3,
      status: 'active',
      actor: ctx.actor,
      diff: [
        {
          path: 'settings.pii_patterns',
          before: expect.objectContaining({ ssn: 'off' }),
          after: expect.objectContaining({ ssn: 'block' }),
        },
      ],
    });
  });

  it('makes a draft when the remediation itself raises the quorum (Art. 26)', () => {
    const s = given(newOrg);
    const after = applyAll(s, accepted(apply(s, 'art26_deployer_obligations')));
    expect(headVersion(after)).toMatchObject({ status: 'draft', required_signers: 1 });
    expect(activeVersion(after)!.policy_version).toBe(1);
  });

  it("patches the newest version, keeping a pending draft's other changes", () => {
    const s = given(
      newOrg,
      (st) => changeSettings(st, { security_scanner: { enabled: true, sensitivity: 'low' } }, ctx),
      (st) => publish(st, { deployer: { required_signers: 1, retention_days: 30 } }, ctx),
    );
    const after = applyAll(s, accepted(apply(s, 'art15_robustness')));
    expect(headVersion(after)).toMatchObject({ status: 'draft', policy_version: 4 });
    expect(headVersion(after)!.document.deployer).toMatchObject({
      required_signers: 1,
      retention_days: 30,
    });
    expect(headVersion(after)!.document.settings.security_scanner).toEqual({
      enabled: true,
      sensitivity: 'medium',
    });
  });

  it('refuses an unknown check (404) and a check with nothing to fix (409)', () => {
    const s = given(newOrg);
    expect(apply(s, 'art99')).toMatchObject(refusedAs('not_found'));
    expect(apply(s, 'art5_prohibited_practices')).toMatchObject(refusedAs('conflict'));
  });
});
