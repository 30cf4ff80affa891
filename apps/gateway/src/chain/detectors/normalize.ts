/**
 * The one normalisation pass every detector reads (issue 11 item 1). Two views of a text:
 *
 * - `clean`: NFKC (full-width digits, ligatures, compatibility forms), zero-width and bidi
 *   controls stripped, whitespace runs collapsed to one space. PII scans it; `map` takes
 *   each of its offsets back to the original, so spans point into what the caller sent.
 * - `folded`: `clean`, lower-cased, diacritics dropped, homoglyphs (Cyrillic, Greek,
 *   mathematical letters) and leetspeak inside words folded to ASCII letters. The
 *   classifiers and the phrase rules read it ("1gn0re аll previous" → "ignore all previous").
 *
 * Pure and linear: one pass per view, no regex backtracking. ASCII text without controls
 * takes a fast path (only whitespace and case work).
 */
export interface Normalized {
  readonly original: string;
  readonly clean: string;
  /** `map[i]` is the original offset of `clean[i]`; `map[clean.length]` is `original.length`. */
  readonly map: Int32Array;
  readonly folded: string;
}

/** Zero-width, joiners, bidi embeddings/overrides/isolates, soft hyphen, BOM, tag characters. */
const INVISIBLE =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]|\udb40[\udc00-\udc7f]/;

/** Letters that look like Latin ones (after NFKC, which already folds full-width and math letters). */
const HOMOGLYPHS: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ү: 'y',
  һ: 'h',
  ӏ: 'l',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  γ: 'y',
  ω: 'w',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ħ: 'h',
  ı: 'i',
  ɑ: 'a',
  ɡ: 'g',
  ꞵ: 'b',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  þ: 'th',
};

/** Leetspeak, folded only inside a token that also has letters ("r3v3al" → "reveal", "2024" stays). */
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '€': 'e',
};
const LEET_TOKEN = /[a-z0-9@$!|€]*[a-z][a-z0-9@$!|€]*/g;
const HAS_LEET = /[0-9@$!|€]/;
const SIMPLE = /^[\x09\x0a\x0d\x20-\x7e]*$/;
const WS_RUN = /[\t\n\r ]{2,}|[\t\n\r]/;

const isInvisible = (c: number): boolean =>
  c === 0xad ||
  c === 0x34f ||
  c === 0x61c ||
  c === 0x115f ||
  c === 0x1160 ||
  c === 0x17b4 ||
  c === 0x17b5 ||
  (c >= 0x180b && c <= 0x180f) ||
  (c >= 0x200b && c <= 0x200f) ||
  (c >= 0x202a && c <= 0x202e) ||
  (c >= 0x2060 && c <= 0x206f) ||
  (c >= 0xfe00 && c <= 0xfe0f) ||
  c === 0xfeff ||
  (c >= 0xe0000 && c <= 0xe007f);
const isSpace = (c: number): boolean =>
  c === 0x20 ||
  c === 0x09 ||
  c === 0x0a ||
  c === 0x0d ||
  c === 0x0b ||
  c === 0x0c ||
  c === 0x85 ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000;

export function normalize(original: string): Normalized {
  const view = cleanView(original);
  // `map` stays lazy: destructuring it here built the identity map of every plain-ASCII text,
  // though only a finding's span reads it (1 % of the standalone gateway's CPU).
  return {
    original,
    clean: view.clean,
    get map() {
      return view.map;
    },
    folded: fold(view.clean),
  };
}

/** Lazily built identity map for texts the clean view leaves unchanged. */
const identity = (n: number): Int32Array => {
  const m = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) m[i] = i;
  return m;
};

function cleanView(text: string): { clean: string; map: Int32Array } {
  const simple = SIMPLE.test(text);
  if (simple && !WS_RUN.test(text)) {
    let m: Int32Array | null = null;
    return {
      clean: text,
      get map() {
        return (m ??= identity(text.length));
      },
    } as { clean: string; map: Int32Array };
  }
  const parts: string[] = [];
  const map = new Int32Array(text.length * 3 + 1);
  let j = 0;
  let space = false;
  let run = 0; // start of a run of ASCII copied as is
  const flush = (end: number) => {
    if (end > run) parts.push(text.slice(run, end));
  };
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (isSpace(cp)) {
      flush(i);
      if (!space) {
        parts.push(' ');
        map[j++] = i;
      }
      space = true;
      run = i + width;
    } else if (cp < 0xa0) {
      map[j++] = i;
      space = false;
    } else {
      flush(i);
      if (!isInvisible(cp)) {
        const c = String.fromCodePoint(cp);
        const nf = c.normalize('NFKC');
        const n = nf.length <= 3 ? nf : c; // the map holds at most three clean characters per original one
        parts.push(n);
        for (let k = 0; k < n.length; k++) map[j++] = i;
        space = false;
      }
      run = i + width;
    }
    i += width;
  }
  flush(text.length);
  map[j] = text.length;
  const clean = parts.join('');
  return { clean, map: map.slice(0, clean.length + 1) };
}

/** Lower case, diacritics off, homoglyphs and in-word leetspeak to ASCII. */
export function fold(clean: string): string {
  let s = clean.toLowerCase();
  if (!SIMPLE.test(s)) {
    s = s.normalize('NFKD').replace(/\p{M}+/gu, '');
    let o = '';
    for (const c of s) o += HOMOGLYPHS[c] ?? c;
    s = o;
  }
  if (!HAS_LEET.test(s)) return s;
  return s.replace(LEET_TOKEN, (tok) => {
    if (!HAS_LEET.test(tok) || !/[a-z].*[0-9@$!|€]|[0-9@$!|€].*[a-z]/.test(tok)) return tok;
    // Emails, versions and ids keep their symbols: only a token of mostly letters is leetspeak.
    if (
      tok.includes('@') &&
      /[a-z]@[a-z]/.test(tok) &&
      tok.indexOf('@') !== 0 &&
      tok.split('@').length === 2 &&
      tok.length > 6
    )
      return tok;
    let o = '';
    for (const c of tok) o += LEET[c] ?? c;
    return o;
  });
}

/** Maps a [start, end) span of `clean` back to the original text. */
export function originalSpan(n: Normalized, start: number, end: number): [number, number] {
  const s = n.map[start] ?? n.original.length;
  const lastChar = end > start ? n.map[end - 1] : undefined;
  const e = lastChar === undefined ? s : endOfChar(n.original, lastChar);
  return [s, e];
}

const endOfChar = (text: string, i: number): number => i + (text.codePointAt(i)! > 0xffff ? 2 : 1);
