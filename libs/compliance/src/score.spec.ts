import { COMPLIANCE_CHECKS } from './checks';
import { evaluateCompliance, scoreOf, statusOf } from './evaluate';
import { COMPLIANCE_MODEL_VERSION, type CheckResult, type Evidence } from './model';
import { HIGH_AGENT, MINIMAL_AGENT, compliant, given } from './testing/fixtures';

const ev = (met: boolean | null): Evidence => ({
  source: 's',
  requirement: 'r',
  value: null,
  met,
  fixable: false,
});
const result = (weight: number, status: CheckResult['status']): CheckResult => ({
  id: 'art5_prohibited_practices',
  article: 'Art. 5',
  title: 't',
  weight,
  status,
  evidence: [],
});

describe('compliance score', () => {
  it.each([
    ['all criteria met', [ev(true), ev(true)], 'pass'],
    ['none met', [ev(false), ev(false)], 'fail'],
    ['some met', [ev(true), ev(false)], 'partial'],
    ['an unknown fact does not count', [ev(true), ev(null)], 'pass'],
    ['an unknown fact does not rescue a failure', [ev(false), ev(null)], 'fail'],
  ] as const)('a check whose %s is %s', (_n, evidence, status) => {
    expect(statusOf(evidence)).toBe(status);
  });

  it('is the weighted share: pass 1, partial ½, fail 0, not applicable left out', () => {
    expect(
      scoreOf([
        result(3, 'pass'),
        result(2, 'partial'),
        result(1, 'fail'),
        result(5, 'not_applicable'),
      ]),
    ).toBe(66.7);
    expect(scoreOf([result(1, 'fail')])).toBe(0);
    expect(scoreOf([])).toBe(100);
  });

  it('is 100 for the compliant org, with the model version and every check', () => {
    const report = evaluateCompliance(compliant());
    expect(report).toMatchObject({ model_version: COMPLIANCE_MODEL_VERSION, score: 100 });
    expect(report.checks.map((c) => c.id)).toEqual(COMPLIANCE_CHECKS.map((c) => c.id));
  });

  it('drops by the weight of a failing check', () => {
    const total = COMPLIANCE_CHECKS.filter((c) => c.id !== 'art50_generated_content').reduce(
      (s, c) => s + c.weight,
      0,
    );
    const report = evaluateCompliance(
      given((i) => {
        i.document.settings.pii_scanning_enabled = false;
        i.document.settings.pii_action = 'warn';
        i.document.settings.pii_patterns = {};
      }),
    );
    expect(report.score).toBe(Math.round((1000 * (total - 2)) / total) / 10);
  });

  it("scores per agent risk tier, looking at agent-bound criteria over that tier's agents only", () => {
    // The high-risk agent loses its approval gate: the high tier drops, the minimal tier does not.
    const report = evaluateCompliance(
      given((i) => void (i.document.rules = i.document.rules.filter((r) => r.id !== 'pol_hitl'))),
    );
    const high = report.by_risk_tier.find((t) => t.tier === 'high')!;
    const minimal = report.by_risk_tier.find((t) => t.tier === 'minimal')!;
    expect(high.agents).toEqual([HIGH_AGENT]);
    expect(minimal.agents).toEqual([MINIMAL_AGENT]);
    expect(high.score).toBeLessThan(100);
    expect(minimal.score).toBe(100);
  });

  it('puts an agent without declared purposes in the unclassified tier', () => {
    const report = evaluateCompliance(
      given((i) => void delete i.document.deployer.agent_purposes![MINIMAL_AGENT]),
    );
    expect(report.by_risk_tier.map((t) => [t.tier, t.agents])).toEqual([
      ['high', [HIGH_AGENT]],
      ['unclassified', [MINIMAL_AGENT]],
    ]);
  });
});
