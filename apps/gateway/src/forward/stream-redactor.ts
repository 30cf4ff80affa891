import type { PiiPattern } from '@llmgov/policy-schema';
import { redactMatches, scanPii } from '../chain/detectors/pii.detector';

/** Longest tail in which a keyword (`password=`, `Bearer `, a PEM header) can still be completed by what follows. */
export const KEYWORD_WINDOW = 64;
/** A match still open at the end of the buffer is held at most this long, then redacted as it stands. */
export const MAX_HOLD = 64 * 1024;

const KEYWORDS = /(?:password|passwd|pwd|passcode|secret|token|api_?key|bearer|-----begin)/gi;
const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;
/** Characters of phone, card, SSN and IBAN groups: digits and their separators. */
const isNumeric = (c: number): boolean =>
  (c >= 48 && c <= 57) ||
  c === 32 ||
  c === 43 ||
  c === 40 ||
  c === 41 ||
  c === 45 ||
  c === 46 ||
  c === 47;

/**
 * Where the tail that could still grow into a secret or PII value starts: the last partial
 * word (a key, an email, a JWT), the trailing run of digit groups with the word it starts
 * in (phone, card, SSN, IBAN), or a recent keyword (`password=`, `Bearer`, a PEM header).
 * Everything before it can be sent once scanned; plain prose streams without delay.
 */
export function holdFrom(buf: string): number {
  let from = buf.length;
  while (from > 0 && !isSpace(buf.charCodeAt(from - 1))) from--;
  let n = buf.length;
  let digits = false;
  while (n > 0 && buf.length - n < 64 && isNumeric(buf.charCodeAt(n - 1))) {
    const c = buf.charCodeAt(n - 1);
    if (c >= 48 && c <= 57) digits = true;
    n--;
  }
  if (digits) {
    while (n > 0 && !isSpace(buf.charCodeAt(n - 1))) n--;
    from = Math.min(from, n);
  }
  const tailStart = Math.max(0, buf.length - KEYWORD_WINDOW);
  KEYWORDS.lastIndex = tailStart;
  const k = KEYWORDS.exec(buf);
  if (k) from = Math.min(from, k.index);
  return from;
}

/**
 * Redacts a streamed text across chunk boundaries: `push` returns what is safe to send
 * now (scanned, redacted), holding back the tail that may still grow into a match
 * (`holdFrom`) and any match still open at the end; `flush` returns the rest at the end.
 */
export class StreamRedactor {
  private buf = '';
  /** Redactions made so far, by pattern. */
  readonly found = new Set<PiiPattern>();

  constructor(private readonly patterns: ReadonlySet<PiiPattern>) {}

  push(text: string): string {
    this.buf += text;
    const matches = scanPii(this.buf, this.patterns);
    let safe = holdFrom(this.buf);
    for (const m of matches) if (m.start < safe && m.end > safe) safe = m.start;
    for (const m of matches) if (m.end >= this.buf.length && m.start < safe) safe = m.start;
    if (safe <= 0 && this.buf.length > MAX_HOLD) safe = this.buf.length;
    if (safe <= 0) return '';
    const inside = matches.filter((m) => m.end <= safe);
    for (const m of inside) this.found.add(m.pattern);
    const out = redactMatches(this.buf.slice(0, safe), inside);
    this.buf = this.buf.slice(safe);
    return out;
  }

  flush(): string {
    const matches = scanPii(this.buf, this.patterns);
    for (const m of matches) this.found.add(m.pattern);
    const out = redactMatches(this.buf, matches);
    this.buf = '';
    return out;
  }
}
