import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LABELS, type ClassifierLabel } from '../classifier/features';
import type { Example } from './generate';

/** One third-party source (DATASETS.md describes them; datasets.json is the machine-readable list). */
export interface DatasetSource {
  name: string;
  repository: string;
  path: string;
  commit: string;
  licence: string;
  /** sha256 of the file as it is in the repository (before any gunzip); a mismatch stops training. */
  sha256: string;
  /** File name inside the `--extra` folder (a name ending in `.gz` is gunzipped after the hash check). */
  file: string;
  format: 'jsonl' | 'csv' | 'lines';
  /** jsonl/csv: the field or column holding the text. */
  text_field?: string;
  /** jsonl/csv: the field holding the label, mapped by `label_map` ("" or null → benign). */
  label_field?: string;
  label_map?: Record<string, ClassifierLabel | null>;
  /**
   * Multi-label sets (one 0/1 column per category): the first listed column that is truthy
   * gives the label; a row with none of `label_columns` nor of `skip_columns` set is benign.
   */
  label_columns?: Record<string, ClassifierLabel>;
  /** Rows with any of these truthy are left out (categories without a head of ours). */
  skip_columns?: string[];
  /** Every row gets this label (lines files, single-label sets). */
  label?: ClassifierLabel | null;
  /** At most this many rows per label (benign included), the first ones by a hash of the text. */
  cap?: number;
}

/** Minimal RFC 4180 CSV parser (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const truthy = (v: unknown): boolean => v === true || v === 1 || v === '1';

/** Every label whose column is set, in the order of `columns`, once each. */
const labelsOf = (
  columns: Record<string, ClassifierLabel>,
  row: Record<string, unknown>,
): ClassifierLabel[] => [
  ...new Set(
    Object.entries(columns)
      .filter(([c]) => truthy(row[c]))
      .map(([, l]) => l),
  ),
];

const labelOf = (
  s: DatasetSource,
  raw: unknown,
  row: Record<string, unknown>,
): ClassifierLabel | null | undefined => {
  if (s.label !== undefined) return s.label;
  if (s.label_columns) {
    if (s.skip_columns?.some((c) => truthy(row[c]))) return undefined;
    return labelsOf(s.label_columns, row)[0] ?? null;
  }
  const key = raw === null || raw === undefined ? '' : String(raw);
  const mapped = s.label_map?.[key];
  return mapped === undefined
    ? undefined
    : mapped === null || LABELS.includes(mapped)
      ? mapped
      : undefined;
};

/** At most `cap` examples per label, chosen by hash (deterministic, independent of file order). */
function capPerLabel(xs: Example[], cap: number): Example[] {
  const by = new Map<string, Example[]>();
  for (const e of xs) {
    const k = e.label ?? '';
    const g = by.get(k);
    if (g) g.push(e);
    else by.set(k, [e]);
  }
  return [...by.values()].flatMap((g) =>
    g.sort((a, b) => (a.group! < b.group! ? -1 : 1)).slice(0, cap),
  );
}

/**
 * Reads the sources present in `dir`, verifying each file's hash. Rows whose label is not
 * mapped are skipped. A fifth of each source (by a hash of the text) is held out.
 * Returns the examples and the sources read.
 */
export function readExtra(
  dir: string,
  sources: readonly DatasetSource[],
  log: (m: string) => void,
): { examples: Example[]; used: Array<{ name: string; sha256: string; examples: number }> } {
  const out: Example[] = [];
  const used: Array<{ name: string; sha256: string; examples: number }> = [];
  for (const s of sources) {
    const path = join(dir, s.file);
    if (!existsSync(path)) {
      log(`extra: ${s.name}: ${s.file} not in ${dir}, skipped`);
      continue;
    }
    const bytes = readFileSync(path);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== s.sha256)
      throw new Error(`extra: ${s.name}: sha256 ${sha} does not match DATASETS (${s.sha256})`);
    const text = (s.file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    const rows: Array<Record<string, unknown>> = [];
    if (s.format === 'lines') for (const l of text.split('\n')) rows.push({ text: l.trim() });
    else if (s.format === 'jsonl') {
      for (const l of text.split('\n'))
        if (l.trim()) rows.push(JSON.parse(l) as Record<string, unknown>);
    } else {
      const [head, ...body] = parseCsv(text);
      for (const r of body) rows.push(Object.fromEntries(head!.map((h, i) => [h, r[i]])));
    }
    const tf = s.format === 'lines' ? 'text' : (s.text_field ?? 'text');
    const picked: Example[] = [];
    for (const r of rows) {
      const t = r[tf];
      const label = labelOf(s, s.label_field ? r[s.label_field] : null, r);
      if (typeof t !== 'string' || t.trim().length < 3 || label === undefined) continue;
      const digest = createHash('sha1').update(t).digest();
      const also = s.label_columns ? labelsOf(s.label_columns, r).slice(1) : [];
      picked.push({
        text: t.slice(0, 2000),
        label,
        ...(also.length ? { also } : {}),
        family: `extra.${s.name}`,
        split: digest[0]! % 5 === 0 ? 'test' : 'train',
        group: digest.toString('hex'),
      });
    }
    const kept = s.cap ? capPerLabel(picked, s.cap) : picked;
    out.push(...kept);
    used.push({ name: s.name, sha256: s.sha256, examples: kept.length });
    log(`extra: ${s.name}: ${kept.length} examples`);
  }
  return { examples: out, used };
}
