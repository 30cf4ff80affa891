import { policyDocument, type PolicyDocument } from '@llmgov/policy-schema';
import { COMPLIANCE_CHECKS } from './checks';
import { runCheck } from './evaluate';
import { applyPatch, diffOf } from './patch';
import { remediationFor, remediationsOf } from './remediations';
import { CHECK_CASES } from './testing/cases';
import { compliant, given } from './testing/fixtures';

const ids = { now: '2026-06-15T12:00:00.000Z', newId: (p: string) => `${p}_new` };

/** The patched document with every diffed path put back: equal to the original iff nothing else changed. */
function undo(after: PolicyDocument, before: PolicyDocument, paths: string[]): PolicyDocument {
  const doc = structuredClone(after);
  for (const path of paths) {
    if (path === 'rules[+]') doc.rules = doc.rules.filter((r) => r.id !== 'pol_new');
    else if (path === 'exceptions') doc.exceptions = before.exceptions;
    else {
      const [section, key] = path.split('.') as ['settings' | 'deployer', string];
      const original = (before[section] as Record<string, unknown>)[key];
      if (original === undefined) delete (doc[section] as Record<string, unknown>)[key];
      else (doc[section] as Record<string, unknown>)[key] = original;
    }
  }
  return doc;
}

const fixable = (id: string, input: ReturnType<typeof compliant>) =>
  runCheck(
    COMPLIANCE_CHECKS.find((c) => c.id === id)!,
    input,
  ).evidence.some((e) => e.fixable && e.met === false);
const failing = CHECK_CASES.filter(
  ([id, , edit, status]) => status !== 'pass' && fixable(id, given(edit)),
);
const unpatchable = CHECK_CASES.filter(
  ([id, , edit, status]) => status !== 'pass' && !fixable(id, given(edit)),
);

describe('compliance remediations', () => {
  it('none for the compliant org', () => {
    expect(remediationsOf(compliant())).toEqual([]);
  });

  it.each(failing.map(([id, name, edit]) => [id, name, edit] as const))(
    '%s — %s: applying the patch fixes every fixable criterion and changes nothing else',
    (id, _n, edit) => {
      const input = given(edit);
      const check = COMPLIANCE_CHECKS.find((c) => c.id === id)!;
      const remediation = remediationFor(input, id)!;
      expect(remediation).toBeDefined();

      const after = applyPatch(input.document, remediation.patch, ids);
      expect(policyDocument.safeParse(after).success).toBe(true);
      const evidence = runCheck(check, { ...input, document: after }).evidence;
      expect(evidence.filter((e) => e.fixable && e.met === false)).toEqual([]);
      const unfixable = runCheck(check, input).evidence.some((e) => !e.fixable && e.met === false);
      expect(remediation.status_after).toBe(unfixable ? 'partial' : 'pass');
      expect(remediation.score_after).toBeGreaterThan(remediation.score_before);

      expect(
        undo(
          after,
          input.document,
          remediation.diff.map((d) => d.path),
        ),
      ).toEqual(input.document);
      expect(remediation.diff.length).toBeGreaterThan(0);
    },
  );

  it('shows a before/after diff of the fields it changes', () => {
    const input = given((i) => void (i.document.deployer.retention_days = 90));
    expect(remediationFor(input, 'art12_record_keeping')).toMatchObject({
      article: 'Art. 12',
      patch: { deployer: { retention_days: 183 } },
      diff: [{ path: 'deployer.retention_days', before: 90, after: 183 }],
      status_before: 'partial',
      status_after: 'pass',
    });
  });

  it('adds the rule a check misses as a new rule, leaving the existing ones', () => {
    const input = given(
      (i) => void (i.document.rules = i.document.rules.filter((r) => r.id !== 'pol_hitl')),
    );
    const r = remediationFor(input, 'art14_human_oversight')!;
    expect(r.diff).toEqual([
      {
        path: 'rules[+]',
        before: null,
        after: expect.objectContaining({
          policy_type: 'require_approval',
          scope: 'agent',
          agent_id: 'agt_credit',
        }),
      },
    ]);
    expect(applyPatch(input.document, r.patch, ids).rules.map((x) => x.id)).toEqual([
      'pol_review',
      'pol_new',
    ]);
  });

  it.each(unpatchable.map(([id, name, edit]) => [id, name, edit] as const))(
    '%s — %s: no remediation (only a fact fails)',
    (id, _n, edit) => {
      expect(remediationFor(given(edit), id)).toBeUndefined();
    },
  );

  it('offers none for a check only an unpatchable fact fails (an overdue review)', () => {
    const input = given((i) => void (i.agents[1].created_at = '2026-01-01T00:00:00.000Z'));
    expect(
      runCheck(
        COMPLIANCE_CHECKS.find((c) => c.id === 'art14_human_oversight')!,
        input,
      ).status,
    ).toBe('partial');
    expect(remediationFor(input, 'art14_human_oversight')).toBeUndefined();
  });

  it('diffOf leaves out fields the patch sets to their current value', () => {
    const doc = compliant().document;
    expect(
      diffOf(doc, { deployer: { log_level: doc.deployer.log_level, retention_days: 400 } }),
    ).toEqual([{ path: 'deployer.retention_days', before: 365, after: 400 }]);
  });
});
