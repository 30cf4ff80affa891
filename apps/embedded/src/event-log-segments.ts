import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The log's files in order: the base file (`events.jsonl`, written by earlier versions and
 * the first segment now), then `events.000001.jsonl`, `events.000002.jsonl`, … by number.
 */
export function segmentFiles(file: string): { path: string; seq: number }[] {
  const dir = dirname(file);
  const stem = basename(file).replace(/\.jsonl$/, '');
  const pattern = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{6})\\.jsonl$`);
  const found = existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const m = pattern.exec(name);
        return m ? [{ path: join(dir, name), seq: Number(m[1]) }] : [];
      })
    : [];
  found.sort((a, b) => a.seq - b.seq);
  return existsSync(file) ? [{ path: file, seq: 0 }, ...found] : found;
}

export const segmentPath = (file: string, seq: number): string =>
  seq === 0
    ? file
    : join(
        dirname(file),
        `${basename(file).replace(/\.jsonl$/, '')}.${String(seq).padStart(6, '0')}.jsonl`,
      );

/** Per topic, the offsets of its records in one segment: a contiguous run, appends being in order. */
export type SegmentRanges = Map<string, { first: number; last: number }>;

/**
 * What compaction does with a closed segment, given each topic's log-start offset: delete it
 * when all its records are below their topics' bases; rewrite it when some are (keeping the
 * others) or when it has lines without offsets (files of earlier versions, numbered by
 * counting: once a segment before them is deleted, counting would misnumber them); else keep.
 */
export function planSegment(
  ranges: SegmentRanges,
  unnumbered: boolean,
  baseOf: (topic: string) => number,
): 'delete' | 'rewrite' | 'keep' {
  const topics = [...ranges.entries()];
  if (topics.every(([t, r]) => r.last < baseOf(t))) return 'delete';
  if (unnumbered || topics.some(([t, r]) => r.first < baseOf(t))) return 'rewrite';
  return 'keep';
}
