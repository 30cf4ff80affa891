import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENT_CATEGORIES, PII_PATTERNS, type ContentCategory } from '@llmgov/policy-schema';
import { scanPii } from './pii.detector';
import { scanContent } from './content.detector';
import { scanSecurity } from './security.detector';

/**
 * Labelled corpora (positives and negatives, written for this repo) scored per detector.
 * Documented floors: precision ≥ 0.95 (few false positives on the negatives), recall ≥
 * 0.85 (PII: 0.95, its patterns are structural).
 */
interface Row {
  text: string;
  label: string | null;
}
const load = (name: string): Row[] =>
  readFileSync(join(__dirname, 'corpora', name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);

interface Score {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}
const score = (rows: Row[], label: string, predict: (text: string) => Set<string>): Score => {
  const s: Score = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const r of rows) {
    const hit = predict(r.text).has(label);
    if (r.label === label) hit ? s.tp++ : s.fn++;
    else if (r.label === null) hit ? s.fp++ : s.tn++;
  }
  return s;
};
const precision = (s: Score) => (s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp));
const recall = (s: Score) => (s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn));
const report: string[] = [];
afterAll(() => console.log(`detector precision / recall\n${report.join('\n')}`));

const allPii = new Set(PII_PATTERNS);
const piiRows = load('pii.jsonl');
const contentRows = load('content.jsonl');
const securityRows = load('security.jsonl');

describe('PII corpus', () => {
  it.each(PII_PATTERNS.map((p) => [p]))('%s: precision ≥ 0.95 and recall ≥ 0.95', (pattern) => {
    const s = score(piiRows, pattern, (t) => new Set(scanPii(t, allPii).map((m) => m.pattern)));
    report.push(
      `pii.${pattern}: precision ${precision(s).toFixed(3)} recall ${recall(s).toFixed(3)} (${JSON.stringify(s)})`,
    );
    expect(s.tp).toBeGreaterThan(0);
    expect(precision(s)).toBeGreaterThanOrEqual(0.95);
    expect(recall(s)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('content corpus', () => {
  const all = new Set<ContentCategory>(CONTENT_CATEGORIES);
  it.each(CONTENT_CATEGORIES.map((c) => [c]))(
    '%s: precision ≥ 0.95 and recall ≥ 0.85',
    (category) => {
      const s = score(contentRows, category, (t) => new Set(scanContent([t], all)));
      report.push(
        `content.${category}: precision ${precision(s).toFixed(3)} recall ${recall(s).toFixed(3)} (${JSON.stringify(s)})`,
      );
      expect(s.tp).toBeGreaterThan(0);
      expect(precision(s)).toBeGreaterThanOrEqual(0.95);
      expect(recall(s)).toBeGreaterThanOrEqual(0.85);
    },
  );
  it('flags no category on any negative', () => {
    const fp = contentRows
      .filter((r) => r.label === null && scanContent([r.text], all).length > 0)
      .map((r) => r.text);
    expect(fp).toEqual([]);
  });
});

describe('security corpus (medium sensitivity)', () => {
  it.each([['prompt_injection'], ['data_exfiltration']])(
    '%s: precision ≥ 0.95 and recall ≥ 0.85',
    (kind) => {
      const s = score(
        securityRows,
        kind,
        (t) => new Set([scanSecurity([t], 'medium')?.kind ?? '']),
      );
      report.push(
        `security.${kind}: precision ${precision(s).toFixed(3)} recall ${recall(s).toFixed(3)} (${JSON.stringify(s)})`,
      );
      expect(precision(s)).toBeGreaterThanOrEqual(0.95);
      expect(recall(s)).toBeGreaterThanOrEqual(0.85);
    },
  );
  it('flags none of the negatives', () => {
    const fp = securityRows
      .filter((r) => r.label === null && scanSecurity([r.text], 'medium'))
      .map((r) => r.text);
    expect(fp).toEqual([]);
  });
});
