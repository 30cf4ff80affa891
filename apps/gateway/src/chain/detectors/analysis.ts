import { classifier } from './classifier/model';
import { decodeCandidates, type Decoded } from './decode';
import { normalize, type Normalized } from './normalize';

/**
 * A text as every detector sees it, computed once per text and shared by the pii,
 * content and security steps (a small cache by text): the normalised views, the
 * classifier's probabilities per label, and each decoded payload with its own.
 */
export interface Analysis {
  n: Normalized;
  /** Probability per classifier label (classifier().labels order). */
  scores: Float64Array;
  decoded: DecodedAnalysis[];
}

export interface DecodedAnalysis {
  decoded: Decoded;
  n: Normalized;
  scores: Float64Array;
}

const CACHE_SIZE = 64;
const cache = new Map<string, Analysis>();

export function analyse(text: string): Analysis {
  const hit = cache.get(text);
  if (hit) return hit;
  const n = normalize(text);
  const model = classifier();
  const decoded = decodeCandidates(n.clean).map((d) => {
    const dn = normalize(d.text);
    return { decoded: d, n: dn, scores: model.score(dn.folded) };
  });
  const a: Analysis = { n, scores: model.score(n.folded), decoded };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(text, a);
  return a;
}

/** [start, end) of a match in the folded view, mapped to the original text (the whole text when folding changed lengths). */
export function spanOf(a: Analysis, start: number, end: number): [number, number] {
  if (a.n.folded.length !== a.n.clean.length) return [0, a.n.original.length];
  const s = a.n.map[start] ?? a.n.original.length;
  const e = end > start ? (a.n.map[end - 1] ?? s) + 1 : s;
  return [s, Math.min(e, a.n.original.length)];
}
