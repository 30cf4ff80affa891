import { isValidIBAN } from 'ibantools';
import {
  findPhoneNumbersInText,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js';
import type { PiiPattern } from '@llmgov/policy-schema';
import { normalize, originalSpan, type Normalized } from './normalize';
import { API_KEY_RULES, BEARER, PASSWORD, validBearer, validPassword } from './secret-rules';

/** A PII or secret found in a text: [start, end) offsets, never logged with the text. */
export interface PiiMatch {
  pattern: PiiPattern;
  start: number;
  end: number;
}

export interface PiiOptions {
  /** ISO 3166 region for national phone numbers without a country code (settings `pii_phone_region`, default US). */
  region?: string;
}

// Every regex is linear: no nested unbounded quantifiers, every repetition bounded, so a
// 1 MB adversarial input scans in bounded time (bounded-time.spec.ts measures it).
const SSN = /\b(\d{3})([- ])(\d{2})\2(\d{4})\b/g;
const SSN_BARE = /\b(\d{3})(\d{2})(\d{4})\b/g;
const SSN_CONTEXT =
  /\b(?:ssn|social\s{1,3}security(?:\s{1,3}(?:number|no|#))?|tax\s{1,3}id|itin)\b/i;
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
const PHONE =
  /(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,5}){1,4}\b|(?:\+\d{1,3}[ .-]?)?\(\d{1,4}\)[ .-]?\d{3,10}\b|\+\d{8,15}\b|\b\d{10,11}\b/g;
const PHONE_CONTEXT =
  /\b(?:phone|call|tel|telephone|mobile|cell|cellphone|ring|reach|contact|text|sms|whatsapp|signal|fax|number|no\.|nr|tél|telefon|telefono|handy|portable)\b/i;
const JWT = /\beyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{4,8000}\.[A-Za-z0-9_-]{10,2000}/g;
const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
const IBAN = /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?\b/gi;

/**
 * Phone candidates validated per text. libphonenumber costs ~30 µs per candidate, so a
 * megabyte of digit groups would take seconds; past this many candidates the rest of the
 * text is not checked for phone numbers (a documented limit: phone defaults to warn). Each
 * candidate is validated with libphonenumber's `findPhoneNumbersInText` on the candidate
 * alone (the whole text would cost ~70 ms per 4 KB of digits).
 */
export const MAX_PHONE_CANDIDATES = 64;

function push(
  out: PiiMatch[],
  pattern: PiiPattern,
  re: RegExp,
  text: string,
  valid?: (m: RegExpExecArray) => boolean,
): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (!valid || valid(m)) out.push({ pattern, start: m.index, end: m.index + m[0].length });
  }
}

/** Luhn checksum (ISO/IEC 7812): cuts random digit runs as card numbers. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export function validSsn(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && group !== '00' && serial !== '0000';
}

function validJwt(token: string): boolean {
  const dot = token.indexOf('.');
  try {
    const header = JSON.parse(
      Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'),
    ) as unknown;
    return (
      typeof header === 'object' &&
      header !== null &&
      typeof (header as { alg?: unknown }).alg === 'string'
    );
  } catch {
    return false;
  }
}

/** Emails by scanning around each `@` (no regex backtracking over long runs). */
function pushEmails(out: PiiMatch[], text: string): void {
  let at = text.indexOf('@');
  while (at !== -1) {
    let s = at;
    while (s > 0 && at - s < 64 && isLocal(text.charCodeAt(s - 1))) s--;
    let e = at + 1;
    while (e < text.length && e - at < 253 && isDomain(text.charCodeAt(e))) e++;
    while (e > at + 1 && text.charCodeAt(e - 1) === 46) e--; // trailing dot ends a sentence
    const domain = text.slice(at + 1, e);
    const dot = domain.lastIndexOf('.');
    if (
      s < at &&
      dot > 0 &&
      domain.length - dot - 1 >= 2 &&
      /^[A-Za-z]+$/.test(domain.slice(dot + 1)) &&
      text.charCodeAt(s) !== 46
    ) {
      out.push({ pattern: 'email', start: s, end: e });
    }
    at = text.indexOf('@', at + 1);
  }
}
const isLocal = (c: number): boolean =>
  (c >= 48 && c <= 57) ||
  (c >= 65 && c <= 90) ||
  (c >= 97 && c <= 122) ||
  c === 46 ||
  c === 95 ||
  c === 37 ||
  c === 43 ||
  c === 45;
const isDomain = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 45;

function pushPem(out: PiiMatch[], text: string): void {
  PEM_BEGIN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PEM_BEGIN.exec(text)) !== null) {
    PEM_END.lastIndex = m.index + m[0].length;
    const end = PEM_END.exec(text);
    const stop = end ? end.index + end[0].length : text.length;
    out.push({ pattern: 'private_key', start: m.index, end: stop });
    PEM_BEGIN.lastIndex = stop;
  }
}

const before = (text: string, at: number, n: number): string => text.slice(Math.max(0, at - n), at);

/** Validation results by region and candidate (a signature repeats the same number; libphonenumber costs ~30 µs a call). */
const phoneCache = new Map<string, boolean>();

function validPhone(text: string, m: RegExpExecArray, region: CountryCode): boolean {
  const s = m[0];
  const digits = s.replace(/\D/g, '').length;
  if (digits < 7 || digits > 15) return false;
  const context = PHONE_CONTEXT.test(before(text, m.index, 40));
  // A bare run of digits (no separator, no +) is a phone number only next to a phone word.
  if (/^\d+$/.test(s) && !context) return false;
  if (/^\d{4}[-/.]\d{2}[-/.]\d{2}$/.test(s)) return false; // ISO date
  const key = `${region}|${context ? 'c' : ''}|${s}`;
  const cached = phoneCache.get(key);
  if (cached !== undefined) return cached;
  let ok = findPhoneNumbersInText(s, { defaultCountry: region }).some(
    (f) => f.endsAt - f.startsAt >= s.length - 2,
  );
  if (!ok && (context || (s.startsWith('+') && /[ .-]/.test(s))))
    ok = parsePhoneNumberFromString(s, region)?.isPossible() ?? false;
  if (phoneCache.size >= 1024) phoneCache.clear();
  phoneCache.set(key, ok);
  return ok;
}

function scanClean(
  text: string,
  enabled: ReadonlySet<PiiPattern>,
  region: CountryCode,
): PiiMatch[] {
  const raw: PiiMatch[] = [];
  if (enabled.has('private_key') && text.includes('-----BEGIN')) pushPem(raw, text);
  if (enabled.has('jwt') && text.includes('eyJ'))
    push(raw, 'jwt', JWT, text, (m) => validJwt(m[0]));
  if (enabled.has('api_key'))
    for (const rule of API_KEY_RULES)
      if (!rule.hint || text.includes(rule.hint)) push(raw, 'api_key', rule.re, text, rule.valid);
  if (enabled.has('password')) {
    push(raw, 'password', PASSWORD, text, validPassword);
    push(raw, 'password', BEARER, text, validBearer);
  }
  if (enabled.has('email') && text.includes('@')) pushEmails(raw, text);
  if (enabled.has('iban'))
    push(raw, 'iban', IBAN, text, (m) => isValidIBAN(m[0].replace(/[ -]/g, '').toUpperCase()));
  if (enabled.has('credit_card')) {
    push(raw, 'credit_card', CARD, text, (m) => {
      const digits = m[0].replace(/[ -]/g, '');
      return digits.length >= 13 && digits.length <= 19 && validIin(digits) && luhn(digits);
    });
  }
  if (enabled.has('ssn')) {
    push(raw, 'ssn', SSN, text, (m) => validSsn(m[1]!, m[3]!, m[4]!));
    push(
      raw,
      'ssn',
      SSN_BARE,
      text,
      (m) => validSsn(m[1]!, m[2]!, m[3]!) && SSN_CONTEXT.test(before(text, m.index, 40)),
    );
  }
  if (enabled.has('phone')) {
    let budget = MAX_PHONE_CANDIDATES;
    push(raw, 'phone', PHONE, text, (m) => budget-- > 0 && validPhone(text, m, region));
  }
  return dedupe(raw);
}

/** Card issuer ranges (IIN): Visa 4, Mastercard 51–55 and 2221–2720, Amex 34/37, Discover 6011/644–649/65, JCB 3528–3589, Diners 36/38/300–305, UnionPay 62. */
export function validIin(d: string): boolean {
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  const three = Number(d.slice(0, 3));
  if (d[0] === '4') return [13, 16, 19].includes(d.length);
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return d.length === 16;
  if (two === 34 || two === 37) return d.length === 15;
  if (four === 6011 || two === 65 || (three >= 644 && three <= 649) || two === 62)
    return d.length >= 16;
  if (four >= 3528 && four <= 3589) return d.length >= 16;
  if (two === 36 || two === 38 || (three >= 300 && three <= 305)) return d.length >= 14;
  return false;
}

/**
 * Finds secrets and PII in a text, validated to cut false positives (Luhn + IIN, IBAN
 * mod-97 and country length, SSA rules + context, JWT header, provider key formats +
 * entropy, PEM blocks, phone numbering plans + context words). It scans the normalised
 * view (NFKC, invisible characters stripped: "4111\u200b1111…" is a card) and reports
 * spans in the original text. `enabled` limits the work to the patterns the policy does
 * not switch off. Overlapping matches keep the first (most specific patterns first).
 */
export function scanPii(
  text: string,
  enabled: ReadonlySet<PiiPattern>,
  opts: PiiOptions = {},
  normalized?: Normalized,
): PiiMatch[] {
  if (enabled.size === 0 || text.length === 0) return [];
  const region = (opts.region ?? 'US') as CountryCode;
  const n = normalized ?? normalize(text);
  const found = scanClean(n.clean, enabled, region);
  if (n.clean === text) return found;
  return found.map((m) => {
    const [start, end] = originalSpan(n, m.start, m.end);
    return { pattern: m.pattern, start, end };
  });
}

function dedupe(matches: PiiMatch[]): PiiMatch[] {
  if (matches.length < 2) return matches;
  matches.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const out: PiiMatch[] = [];
  let lastEnd = -1;
  for (const m of matches) {
    if (m.start >= lastEnd) {
      out.push(m);
      lastEnd = m.end;
    }
  }
  return out;
}

/** Replaces each match with `[REDACTED:<pattern>]` (right to left, so offsets hold). */
export function redactMatches(text: string, matches: readonly PiiMatch[]): string {
  let out = text;
  for (let i = matches.length - 1; i >= 0; i--) {
    const m = matches[i]!;
    out = `${out.slice(0, m.start)}[REDACTED:${m.pattern}]${out.slice(m.end)}`;
  }
  return out;
}
