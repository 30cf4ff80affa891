import { COMPLIANCE_CHECKS } from '.';
import { runCheck } from '../evaluate';
import type { CheckId, ComplianceInput } from '../model';
import { CHECK_CASES as cases } from '../testing/cases';
import { HIGH_AGENT, MINIMAL_AGENT, compliant, given } from '../testing/fixtures';

const check = (id: CheckId) => COMPLIANCE_CHECKS.find((c) => c.id === id)!;
const run = (id: CheckId, input: ComplianceInput) => runCheck(check(id), input);
const met = (id: CheckId, input: ComplianceInput) =>
  run(id, input).evidence.map((e) => [e.source, e.met]);

describe('compliance checks', () => {
  it.each(COMPLIANCE_CHECKS.map((c) => c.id))(
    '%s passes on the compliant org (art50: not applicable without a declared purpose)',
    (id) => {
      expect(run(id, compliant()).status).toBe(
        id === 'art50_generated_content' ? 'not_applicable' : 'pass',
      );
    },
  );

  it.each(
    cases.map(([id, name, edit, status, evidence]) => [id, name, status, edit, evidence] as const),
  )('%s — %s → %s', (id, _name, status, edit, evidence) => {
    const input = given(edit);
    expect(run(id, input).status).toBe(status);
    expect(met(id, input)).toEqual(evidence);
  });

  it('every check is tied to an article and a reason, with a positive weight', () => {
    for (const c of COMPLIANCE_CHECKS) {
      expect(c.article).toMatch(/^Art\. \d+$/);
      expect(c.why.length).toBeGreaterThan(20);
      expect(c.weight).toBeGreaterThan(0);
    }
  });

  it('evidence carries the values found: the overdue agent and the ungated high-risk agent by id', () => {
    const input = given((i) => {
      i.document.rules = i.document.rules.filter((r) => r.id !== 'pol_hitl');
      i.agents[1].created_at = '2026-01-01T00:00:00.000Z';
    });
    const values = run('art14_human_oversight', input).evidence.map((e) => e.value);
    expect(values).toContainEqual({ high_risk_agents_without_gate: [HIGH_AGENT] });
    expect(values).toContainEqual({ overdue_agents: [MINIMAL_AGENT] });
  });
});
