/**
 * Encoded payloads: base64 (standard and url-safe), hex, URL-encoding and rot13 candidates
 * of a text, decoded so the detectors can rescan what they hide. A candidate counts only
 * when it decodes to readable text (printable, mostly letters and spaces). Bounded: at most
 * `MAX_CANDIDATES` per kind, each at most 16 KB, so a megabyte of base64 costs one regex pass.
 */
export interface Decoded {
  kind: 'base64' | 'hex' | 'url' | 'rot13';
  /** [start, end) of the encoded run in the text scanned. */
  start: number;
  end: number;
  text: string;
}

export const MAX_CANDIDATES = 16;
const B64 = /[A-Za-z0-9+/_-]{16,16384}={0,2}/g;
const HEX = /\b(?:[0-9a-fA-F]{2}[ :]?){12,8192}/g;
const URL_ENC =
  /(?:%[0-9a-fA-F]{2}|[A-Za-z0-9._~+-]){0,64}(?:%[0-9a-fA-F]{2}(?:[A-Za-z0-9._~+-]{0,16})){3,4096}/g;
const READABLE = /^[\t\n\r\x20-\x7e\u00a0-\uffff]+$/;

/** Printable, at least 8 characters, at least 60 % letters or spaces, and with a space (words). */
export function readable(s: string): boolean {
  if (s.length < 8 || !READABLE.test(s) || s.includes('\ufffd')) return false;
  let letters = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if ((c >= 97 && c <= 122) || c === 0x20) letters++;
  }
  return letters / s.length >= 0.6 && /\s/.test(s);
}

function each(re: RegExp, text: string, fn: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(text)) !== null && n < MAX_CANDIDATES) {
    fn(m);
    n++;
  }
}

export function rot13(text: string): string {
  let o = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) o += String.fromCharCode(((c - 52) % 26) + 65);
    else if (c >= 97 && c <= 122) o += String.fromCharCode(((c - 84) % 26) + 97);
    else o += text[i];
  }
  return o;
}

const COMMON = new Set([
  'the',
  'to',
  'and',
  'you',
  'a',
  'of',
  'is',
  'all',
  'your',
  'in',
  'me',
  'it',
  'that',
  'this',
  'for',
  'are',
  'what',
  'how',
  'do',
  'i',
  'my',
  'now',
  'with',
]);
const ROT_COMMON = new Set([...COMMON].map(rot13));

/** Share of words that are common English words under `set` (rot13 detection without decoding everything). */
function commonShare(words: string[], set: ReadonlySet<string>): number {
  let hit = 0;
  for (const w of words) if (set.has(w)) hit++;
  return words.length ? hit / words.length : 0;
}

export function decodeCandidates(text: string): Decoded[] {
  const out: Decoded[] = [];
  if (text.length >= 16) {
    each(B64, text, (m) => {
      const raw = m[0];
      if (!/[0-9+/=_-]|[a-z][A-Z]|[A-Z][a-z]{0,2}[A-Z]/.test(raw)) return; // a plain long word is not base64
      const s = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
      if (readable(s))
        out.push({ kind: 'base64', start: m.index, end: m.index + raw.length, text: s });
    });
    each(HEX, text, (m) => {
      const s = Buffer.from(m[0].replace(/[ :]/g, ''), 'hex').toString('utf8');
      if (readable(s))
        out.push({ kind: 'hex', start: m.index, end: m.index + m[0].length, text: s });
    });
  }
  if (text.includes('%')) {
    each(URL_ENC, text, (m) => {
      try {
        const s = decodeURIComponent(m[0].replace(/\+/g, ' '));
        if (readable(s))
          out.push({ kind: 'url', start: m.index, end: m.index + m[0].length, text: s });
      } catch {
        /* not valid percent-encoding */
      }
    });
  }
  // rot13 is judged on the first 64 KB (a whole megabyte of words costs more than it tells).
  const words =
    text
      .slice(0, 65536)
      .toLowerCase()
      .match(/[a-z]{1,20}/g) ?? [];
  if (
    words.length >= 4 &&
    commonShare(words, ROT_COMMON) > commonShare(words, COMMON) &&
    commonShare(words, ROT_COMMON) >= 0.15
  ) {
    out.push({ kind: 'rot13', start: 0, end: text.length, text: rot13(text) });
  }
  return out;
}
