import type { PiiPattern } from '@llmgov/policy-schema';
import { redactMatches, scanPii } from '../chain/detectors/pii.detector';

/**
 * Characters held back at the end of the buffer: longer than any secret or PII value the
 * scanner matches in one piece (API keys ≤ 200, JWTs and PEM blocks are held until they
 * end, up to MAX_HOLD), so a value split across chunks is seen whole before it is sent.
 */
export const OVERLAP_WINDOW = 256;
/** A match still open at the end of the buffer is held at most this long, then redacted as it stands. */
export const MAX_HOLD = 64 * 1024;

/**
 * Redacts a streamed text across chunk boundaries: `push` returns what is safe to send
 * now (redacted), holding back the last OVERLAP_WINDOW characters and any match that may
 * still be growing; `flush` returns the rest at the end.
 */
export class StreamRedactor {
  private buf = '';
  /** Redactions made so far, by pattern. */
  readonly found = new Set<PiiPattern>();

  constructor(private readonly patterns: ReadonlySet<PiiPattern>) {}

  push(text: string): string {
    this.buf += text;
    if (this.buf.length <= OVERLAP_WINDOW) return '';
    const matches = scanPii(this.buf, this.patterns);
    let safe = this.buf.length - OVERLAP_WINDOW;
    for (const m of matches) if (m.start < safe && m.end > safe) safe = m.start;
    if (safe <= 0 && this.buf.length > MAX_HOLD) safe = this.buf.length - OVERLAP_WINDOW;
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
