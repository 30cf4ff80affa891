import { isValidIBAN } from 'ibantools';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { PiiPattern } from '@llmgov/policy-schema';

/** A PII or secret found in a text: [start, end) offsets, never logged with the text. */
export interface PiiMatch {
  pattern: PiiPattern;
  start: number;
  end: number;
}

// Every regex is linear: no nested unbounded quantifiers, every repetition bounded, so a
// 1 MB adversarial input scans in bounded time (pii.detector.spec.ts measures it).
const API_KEY = /\b(?:sk-(?:proj-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{20,200}|AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|xox[abposr]-[A-Za-z0-9-]{10,200}|gk_[A-Za-z0-9]{20,100}|msh_[A-Za-z0-9]{20,100}|sk_live_[A-Za-z0-9]{16,100})/g;
const PASSWORD = /\b(?:password|passwd|pwd|passcode|secret|api_key|apikey|token)["']?\s{0,3}[:=]\s{0,3}["']?[^\s"',;]{4,200}|\bBearer\s{1,3}[A-Za-z0-9._~+/=-]{16,500}/gi;
const SSN = /\b(\d{3})([- ])(\d{2})\2(\d{4})\b/g;
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
const PHONE = /(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}\b/g;
const JWT = /\beyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{4,8000}\.[A-Za-z0-9_-]{10,2000}/g;
const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY-----/g;
const PEM_END = /-----END (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY-----/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;

/**
 * Phone candidates validated per text. libphonenumber costs ~30 µs per candidate, so a
 * megabyte of digit groups would take seconds; past this many candidates the rest of the
 * text is not checked for phone numbers (a documented limit: phone defaults to warn).
 */
export const MAX_PHONE_CANDIDATES = 256;

function push(out: PiiMatch[], pattern: PiiPattern, re: RegExp, text: string, valid?: (m: RegExpExecArray) => boolean): void {
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
    const header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
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
    if (s < at && dot > 0 && domain.length - dot - 1 >= 2 && /^[A-Za-z]+$/.test(domain.slice(dot + 1)) && text.charCodeAt(s) !== 46) {
      out.push({ pattern: 'email', start: s, end: e });
    }
    at = text.indexOf('@', at + 1);
  }
}
const isLocal = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
const isDomain = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 45;

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

/**
 * Finds secrets and PII in a text, validated to cut false positives (Luhn, IBAN mod-97,
 * SSA rules, JWT header, key prefixes, PEM blocks, phone numbering plans). `enabled`
 * limits the work to the patterns the policy does not switch off. Overlapping matches
 * keep the first (patterns are tried most specific first).
 */
export function scanPii(text: string, enabled: ReadonlySet<PiiPattern>): PiiMatch[] {
  const raw: PiiMatch[] = [];
  if (enabled.has('private_key') && text.includes('-----BEGIN')) pushPem(raw, text);
  if (enabled.has('jwt') && text.includes('eyJ')) push(raw, 'jwt', JWT, text, (m) => validJwt(m[0]));
  if (enabled.has('api_key')) push(raw, 'api_key', API_KEY, text);
  if (enabled.has('password')) push(raw, 'password', PASSWORD, text);
  if (enabled.has('email') && text.includes('@')) pushEmails(raw, text);
  if (enabled.has('iban')) push(raw, 'iban', IBAN, text, (m) => isValidIBAN(m[0].replace(/ /g, '')));
  if (enabled.has('credit_card')) {
    push(raw, 'credit_card', CARD, text, (m) => {
      const digits = m[0].replace(/[ -]/g, '');
      return digits.length >= 13 && digits.length <= 19 && '23456'.includes(digits[0]!) && luhn(digits);
    });
  }
  if (enabled.has('ssn')) push(raw, 'ssn', SSN, text, (m) => validSsn(m[1]!, m[3]!, m[4]!));
  if (enabled.has('phone')) {
    let budget = MAX_PHONE_CANDIDATES;
    push(raw, 'phone', PHONE, text, (m) => {
      const s = m[0];
      if (budget-- <= 0) return false;
      if (s.replace(/\D/g, '').length < 7) return false;
      const p = parsePhoneNumberFromString(s, 'US');
      if (!p) return false;
      return p.isValid() || (s.startsWith('+') && /[ .-]/.test(s) && p.isPossible());
    });
  }
  return dedupe(raw);
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
