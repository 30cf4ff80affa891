/**
 * Hashed features of a folded text (normalize.ts): word unigrams and bigrams and character
 * 3-, 4- and 5-grams, each hashed (FNV-1a) into `2^bits` buckets. Training and scoring
 * share this function, so a model's weights always mean the same features.
 */
export const LABELS = ['prompt_injection', 'data_exfiltration', 'violence', 'self_harm', 'sexual', 'hate', 'harassment', 'illegal', 'weapons'] as const;
export type ClassifierLabel = (typeof LABELS)[number];

/** Characters per scoring window and the step between windows (long texts are scored window by window, max wins). */
export const WINDOW = 480;
export const STRIDE = 240;

const SEP = /[^a-z0-9']+/g;

/** The text the features read: folded, punctuation to single spaces, padded. */
export const prepare = (folded: string): string => ` ${folded.replace(SEP, ' ').trim()} `;

/**
 * Calls `emit(bucket)` for every feature of `t` (a `prepare`d string, or a window of one).
 * Returns how many features it emitted (the scorer divides by its square root).
 */
export function features(t: string, mask: number, emit: (bucket: number) => void): number {
  let n = 0;
  const len = t.length;
  // Character n-grams.
  for (let i = 0; i + 3 <= len; i++) {
    let h = 0x811c9dc5;
    for (let k = 0; k < 5 && i + k < len; k++) {
      h = Math.imul(h ^ t.charCodeAt(i + k), 0x01000193);
      if (k >= 2) {
        emit((h ^ (k * 0x9e3779b1)) & mask);
        n++;
      }
    }
  }
  // Words and word bigrams.
  let prev = 0;
  let w = 0x811c9dc5;
  let inWord = false;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? t.charCodeAt(i) : 32;
    if (c !== 32) {
      w = Math.imul(w ^ c, 0x01000193);
      inWord = true;
    } else if (inWord) {
      const word = Math.imul(w ^ 0x5bd1e995, 0x01000193);
      emit((word >>> 3) & mask);
      if (prev !== 0) emit((Math.imul(prev, 0x2c1b3c6d) ^ Math.imul(word, 0x297a2d39) ^ 0x68e31da4) & mask);
      n += prev !== 0 ? 2 : 1;
      prev = word | 1;
      w = 0x811c9dc5;
      inWord = false;
    }
  }
  return n;
}

/** Window starts over a prepared text (one window when it is short). */
export function windows(t: string): Array<[number, number]> {
  if (t.length <= WINDOW) return [[0, t.length]];
  const out: Array<[number, number]> = [];
  for (let s = 0; s < t.length; s += STRIDE) {
    // Start and end on word boundaries so no window begins inside a word.
    let a = s;
    while (a > 0 && a > s - 24 && t.charCodeAt(a) !== 32) a--;
    let b = Math.min(t.length, s + WINDOW);
    while (b < t.length && b < s + WINDOW + 24 && t.charCodeAt(b) !== 32) b++;
    out.push([a, Math.min(t.length, b + 1)]);
    if (b >= t.length) break;
  }
  return out;
}
