/**
 * Hashed features of a folded text (normalize.ts): word unigrams and bigrams and character
 * 3- and 4-grams (5-grams cost a third of the scoring time and added no held-out recall), each hashed (FNV-1a) into `2^bits` buckets. Training and scoring
 * share this function, so a model's weights always mean the same features.
 */
export const LABELS = [
  'prompt_injection',
  'data_exfiltration',
  'violence',
  'self_harm',
  'sexual',
  'hate',
  'harassment',
  'illegal',
  'weapons',
] as const;
export type ClassifierLabel = (typeof LABELS)[number];

/**
 * Long texts are scored in windows of two consecutive chunks (stride one chunk); the
 * text's score is the maximum window's, so a short injection inside a long benign document
 * is not diluted by it. A text of at most two chunks is one window.
 */
export const CHUNK = 240;

const SEP = /[^a-z0-9']+/g;

/** The text the features read: folded, punctuation to single spaces, padded. */
export const prepare = (folded: string): string => ` ${folded.replace(SEP, ' ').trim()} `;

/** Receives every feature of a text: its bucket and the offset it starts at. */
export interface FeatureSink {
  add(pos: number, bucket: number): void;
}

/**
 * Feeds every feature of `t` (a `prepare`d string) to `sink`. Returns how many features it
 * emitted (scores divide by its square root).
 */
export function features(t: string, mask: number, sink: FeatureSink): number {
  let n = 0;
  const len = t.length;
  // Character n-grams.
  for (let i = 0; i + 3 <= len; i++) {
    let h = Math.imul(0x811c9dc5 ^ t.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ t.charCodeAt(i + 1), 0x01000193);
    h = Math.imul(h ^ t.charCodeAt(i + 2), 0x01000193);
    sink.add(i, (h ^ 0x3c6ef362) & mask);
    n++;
    if (i + 4 > len) continue;
    h = Math.imul(h ^ t.charCodeAt(i + 3), 0x01000193);
    sink.add(i, (h ^ 0xdaa66d2b) & mask);
    n++;
  }
  // Words and word bigrams.
  let prev = 0;
  let w = 0x811c9dc5;
  let start = -1;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? t.charCodeAt(i) : 32;
    if (c !== 32) {
      if (start < 0) start = i;
      w = Math.imul(w ^ c, 0x01000193);
    } else if (start >= 0) {
      const word = Math.imul(w ^ 0x5bd1e995, 0x01000193);
      sink.add(start, (word >>> 3) & mask);
      n++;
      if (prev !== 0) {
        sink.add(
          start,
          (Math.imul(prev, 0x2c1b3c6d) ^ Math.imul(word, 0x297a2d39) ^ 0x68e31da4) & mask,
        );
        n++;
      }
      prev = word | 1;
      w = 0x811c9dc5;
      start = -1;
    }
  }
  return n;
}
