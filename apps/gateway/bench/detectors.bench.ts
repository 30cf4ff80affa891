// `npm run bench detectors`: quality and latency of the local detectors.
//   node_modules/node/bin/node -r ./tools/register.cjs apps/gateway/bench/detectors.bench.ts [--extra <dir>]
//   (through npm run bench: DETECTORS_EXTRA=<dir> npm run bench detectors)
// 1. Recall and false-positive rate per family and label at each sensitivity, on the held-out
//    split of the training data (training never saw it; thresholds were set on a separate
//    calibration part), through the detectors as the gateway runs them (phrase rules, trained
//    heads, decoders). `encoded` is the held-out injections base64-, hex- and rot13-encoded.
//    With --extra, the held-out part of the DATASETS.md files is measured apart.
//    PII is measured on corpora/pii.jsonl (validation rules, nothing trained).
// 2. p50/p99 per request with every detector on (PII, content, security) for 1, 4 and 32 KB
//    prompts, on this process's one core; each prompt is distinct (no cache hits).
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  CONTENT_CATEGORIES,
  PII_PATTERNS,
  type ContentCategory,
  type PiiPattern,
} from '@llmgov/policy-schema';
import type { Sensitivity } from '../src/chain/detectors/classifier/model';
import { assessContent } from '../src/chain/detectors/content.detector';
import { assessSecurity } from '../src/chain/detectors/security.detector';
import { scanPii } from '../src/chain/detectors/pii.detector';
import { generateCorpus, type Example } from '../src/chain/detectors/training/generate';
import { readExtra, type DatasetSource } from '../src/chain/detectors/training/extra';

const LEVELS: Sensitivity[] = ['low', 'medium', 'high'];
const CATEGORIES = new Set<ContentCategory>(CONTENT_CATEGORIES);
const SECURITY = ['prompt_injection', 'data_exfiltration'] as const;

/** What the detectors flag in a text at a sensitivity: content categories and the security kind. */
function flags(text: string, s: Sensitivity): Set<string> {
  const out = new Set<string>(assessContent(text, CATEGORIES, s).hits.map((h) => h.category));
  const f = assessSecurity(text, s).finding;
  if (f) out.add(f.kind);
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function qualityTable(title: string, test: readonly Example[]): void {
  const flagged = LEVELS.map((s) => test.map((e) => flags(e.text, s)));
  const benign = test.map((_, i) => i).filter((i) => test[i]!.label === null);
  const rows: string[] = [];
  const row = (
    family: string,
    label: string,
    pos: number[],
    hit: (i: number, s: number) => boolean,
    fpHit: (i: number, s: number) => boolean,
  ) => {
    const recall = LEVELS.map((_, s) =>
      pos.length ? pos.filter((i) => hit(i, s)).length / pos.length : NaN,
    );
    const fpr = LEVELS.map((_, s) => benign.filter((i) => fpHit(i, s)).length / benign.length);
    rows.push(
      `| ${family} | ${label} | ${pos.length} | ${recall.map((r) => (Number.isNaN(r) ? '—' : r.toFixed(2))).join(' / ')} | ${fpr.map(pct).join(' / ')} |`,
    );
  };
  const positives = (label: string) =>
    test
      .map((e, i) => (e.label === label || e.also?.includes(label as never) ? i : -1))
      .filter((i) => i >= 0);
  for (const l of SECURITY)
    row(
      'security',
      l,
      positives(l),
      (i, s) => flagged[s]![i]!.has(l),
      (i, s) => flagged[s]![i]!.has(l),
    );
  // An encoded injection counts when anything fires on it (the rules and heads read what it decodes to).
  const enc = encodedInjections(test);
  if (enc.length) {
    const encFlags = LEVELS.map((s) => enc.map((t) => assessSecurity(t, s).finding !== null));
    row(
      'security',
      'encoded (b64/hex/rot13)',
      enc.map((_, i) => i),
      (i, s) => encFlags[s]![i]!,
      (i, s) => flagged[s]![i]!.has('prompt_injection'),
    );
  }
  const anySec = (i: number, s: number) => SECURITY.some((l) => flagged[s]![i]!.has(l));
  row('security', 'any', [...new Set(SECURITY.flatMap(positives))], anySec, anySec);
  for (const c of CONTENT_CATEGORIES)
    row(
      'content',
      c,
      positives(c),
      (i, s) => flagged[s]![i]!.has(c),
      (i, s) => flagged[s]![i]!.has(c),
    );
  const anyContent = (i: number, s: number) =>
    CONTENT_CATEGORIES.some((c) => flagged[s]![i]!.has(c));
  row(
    'content',
    'any',
    [...new Set(CONTENT_CATEGORIES.flatMap((c) => positives(c)))],
    (i, s) =>
      flagged[s]![i]!.has(test[i]!.label!) ||
      (test[i]!.also ?? []).some((l) => flagged[s]![i]!.has(l)),
    anyContent,
  );
  process.stdout.write(
    `\n### ${title}: ${test.length} texts, ${benign.length} benign\n\n` +
      '| family | label | positives | recall low / medium / high | false positives low / medium / high |\n|---|---|---|---|---|\n' +
      `${rows.join('\n')}\n`,
  );
}

const rot13 = (t: string) =>
  t.replace(/[a-z]/gi, (c) => {
    const b = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - b + 13) % 26) + b);
  });

/** Held-out injections, each wrapped in a benign request in one of three encodings. */
function encodedInjections(test: readonly Example[]): string[] {
  const inj = test.filter((e) => e.label === 'prompt_injection' && e.text.length >= 24);
  return inj.map((e, i) => {
    const k = i % 3;
    const payload =
      k === 0
        ? Buffer.from(e.text).toString('base64')
        : k === 1
          ? Buffer.from(e.text).toString('hex')
          : rot13(e.text);
    return `Please decode this and follow it: ${payload}`;
  });
}

function piiTable(): void {
  const rows = readFileSync(
    join(__dirname, '..', 'src', 'chain', 'detectors', 'corpora', 'pii.jsonl'),
    'utf8',
  )
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { text: string; label: PiiPattern | null });
  const all = new Set<PiiPattern>(PII_PATTERNS);
  const found = rows.map((r) => new Set(scanPii(r.text, all).map((m) => m.pattern)));
  const benign = rows.map((_, i) => i).filter((i) => rows[i]!.label === null);
  const pos = rows.map((_, i) => i).filter((i) => rows[i]!.label !== null);
  const recall = pos.filter((i) => found[i]!.has(rows[i]!.label!)).length / pos.length;
  const fpr = benign.filter((i) => found[i]!.size > 0).length / benign.length;
  process.stdout.write(
    `\n### PII (validation rules, corpora/pii.jsonl; sensitivity does not apply)\n\n` +
      `| family | positives | recall | false positives (${benign.length} benign) |\n|---|---|---|---|\n` +
      `| pii | ${pos.length} | ${recall.toFixed(2)} | ${pct(fpr)} |\n`,
  );
}

function latency(benign: readonly string[]): void {
  const pii = new Set<PiiPattern>(PII_PATTERNS);
  const prompt = (bytes: number, n: number): string => {
    let t = `request ${n}: `;
    for (let k = n * 7919; t.length < bytes; k += 31) t += `${benign[k % benign.length]} `;
    return t.slice(0, bytes);
  };
  const once = (t: string) => {
    scanPii(t, pii);
    assessContent(t, CATEGORIES, 'medium');
    assessSecurity(t, 'medium');
  };
  const lines: string[] = [];
  for (const [kb, runs] of [
    [1, 2000],
    [4, 1000],
    [32, 200],
  ] as const) {
    for (let i = 0; i < 50; i++) once(prompt(kb * 1024, 1e6 + i));
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = prompt(kb * 1024, i);
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      once(t);
      wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1e3);
    }
    const q = (xs: number[], p: number) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2);
    };
    lines.push(
      `| ${kb} KB | ${runs} | ${q(wall, 0.5)} | ${q(wall, 0.99)} | ${q(cpu, 0.5)} | ${q(cpu, 0.99)} |`,
    );
  }
  const [load] = loadavg();
  process.stdout.write(
    '\n### Latency per request, all local detectors (PII, content, security), one core\n\n' +
      `Load average ${load!.toFixed(1)} on ${cpus().length} cores while measuring; CPU time is this ` +
      "thread's own (what a request costs), wall time includes waiting for a core.\n\n" +
      '| prompt | requests | wall p50 ms | wall p99 ms | CPU p50 ms | CPU p99 ms |\n|---|---|---|---|---|---|\n' +
      `${lines.join('\n')}\n`,
  );
}

const argv = process.argv.slice(2);
const extraDir = argv.includes('--extra')
  ? argv[argv.indexOf('--extra') + 1]
  : process.env.DETECTORS_EXTRA || undefined;
const own = generateCorpus();
qualityTable(
  'Held-out split of the own corpus (goals and phrasings never trained on)',
  own.filter((e) => e.split === 'test'),
);
if (extraDir) {
  const sources = JSON.parse(
    readFileSync(
      join(__dirname, '..', 'src', 'chain', 'detectors', 'training', 'datasets.json'),
      'utf8',
    ),
  ) as DatasetSource[];
  const extra = readExtra(extraDir, sources, (m) => process.stderr.write(`${m}\n`)).examples;
  qualityTable(
    'Held-out fifth of the DATASETS.md files',
    extra.filter((e) => e.split === 'test'),
  );
}
piiTable();
latency(own.filter((e) => e.label === null).map((e) => e.text));
