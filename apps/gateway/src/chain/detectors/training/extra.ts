import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABELS, type ClassifierLabel } from '../classifier/features';
import type { Example } from './generate';

/** One third-party source (DATASETS.md describes them; datasets.json is the machine-readable list). */
export interface DatasetSource {
  name: string;
  repository: string;
  path: string;
  commit: string;
  licence: string;
  /** sha256 of the file as downloaded; a mismatch stops training. */
  sha256: string;
  /** File name inside the `--extra` folder. */
  file: string;
  format: 'jsonl' | 'csv' | 'lines';
  /** jsonl/csv: the field or column holding the text. */
  text_field?: string;
  /** jsonl/csv: the field holding the label, mapped by `label_map` ("" or null → benign). */
  label_field?: string;
  label_map?: Record<string, ClassifierLabel | null>;
  /** Every row gets this label (lines files, single-label sets). */
  label?: ClassifierLabel | null;
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

const labelOf = (s: DatasetSource, raw: unknown): ClassifierLabel | null | undefined => {
  if (s.label !== undefined) return s.label;
  const key = raw === null || raw === undefined ? '' : String(raw);
  const mapped = s.label_map?.[key];
  return mapped === undefined
    ? undefined
    : mapped === null || LABELS.includes(mapped)
      ? mapped
      : undefined;
};

/**
 * Reads the sources present in `dir`, verifying each file's hash. Rows whose label is not
 * mapped are skipped. A fifth of each source (by a hash of the text) is held out.
 */
export function readExtra(
  dir: string,
  sources: readonly DatasetSource[],
  log: (m: string) => void,
): Example[] {
  const out: Example[] = [];
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
    const text = bytes.toString('utf8');
    const rows: Array<{ text: unknown; label: unknown }> = [];
    if (s.format === 'lines')
      for (const l of text.split('\n')) rows.push({ text: l.trim(), label: null });
    else if (s.format === 'jsonl') {
      for (const l of text.split('\n')) {
        if (!l.trim()) continue;
        const o = JSON.parse(l) as Record<string, unknown>;
        rows.push({
          text: o[s.text_field ?? 'text'],
          label: s.label_field ? o[s.label_field] : null,
        });
      }
    } else {
      const [head, ...body] = parseCsv(text);
      const ti = head!.indexOf(s.text_field ?? 'text');
      const li = s.label_field ? head!.indexOf(s.label_field) : -1;
      for (const r of body) rows.push({ text: r[ti], label: li >= 0 ? r[li] : null });
    }
    let n = 0;
    for (const r of rows) {
      const label = labelOf(s, r.label);
      if (typeof r.text !== 'string' || r.text.length < 3 || label === undefined) continue;
      const split = createHash('sha1').update(r.text).digest()[0]! % 5 === 0 ? 'test' : 'train';
      out.push({ text: r.text.slice(0, 2000), label, family: `extra.${s.name}`, split });
      n++;
    }
    log(`extra: ${s.name}: ${n} examples`);
  }
  return out;
}
