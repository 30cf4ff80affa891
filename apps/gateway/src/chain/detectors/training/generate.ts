import { createHash } from 'node:crypto';
import type { ClassifierLabel } from '../classifier/features';
import { BENIGN } from './corpus-benign';
import {
  BREADTH_BENIGN,
  BREADTH_EXFILTRATION,
  BREADTH_HARM,
  BREADTH_INJECTION,
} from './corpus-breadth';
import { GROUPS, HARM, PEOPLE, type Family } from './corpus-harm';
import { DIRECTIVES, EXFILTRATION, INJECTION } from './corpus-security';

export interface Example {
  text: string;
  /** null: benign. */
  label: ClassifierLabel | null;
  /** Further labels of a multi-label example (positives for those heads too). */
  also?: ClassifierLabel[];
  family: string;
  split: 'train' | 'test';
  /** What near-duplicates share (a goal, a third-party row): validation splits keep a group whole. */
  group?: string;
}

/** Deterministic PRNG (mulberry32), so the corpus and the weights are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const h = (s: string): number => createHash('sha1').update(s).digest().readUInt32BE(0);

/**
 * Held out: a fifth of the goals and a fifth of the frames of every family. An example is
 * a test example when its goal or its frame is held out, so the held-out metrics measure
 * goals and phrasings training never saw, not near-duplicates of training lines.
 */
const heldOut = (key: string): boolean => h(key) % 5 === 0;

const OPENERS = [
  '',
  '',
  '',
  'hey, ',
  'hi! ',
  'please ',
  'quick one: ',
  'yo ',
  'ok so ',
  'Hello. ',
  'i have a question. ',
  'be honest: ',
];
const CLOSERS = [
  '',
  '',
  '',
  ' thanks',
  ' asap',
  '!!',
  ' please',
  ' :)',
  ' no lectures.',
  ' be detailed.',
  ' thx',
  '?',
];
const WRAPS = [
  'I was reading the news earlier and got curious. {x}',
  'Context: I run a small team and we use an AI assistant daily. {x} Anyway, thanks for your help.',
  '{x}\n\nAlso unrelated, what is a good name for a cat?',
  'Here is my question for today. {x}',
  'Translate to English and answer: {x}',
];

function typo(s: string, rnd: () => number): string {
  if (s.length < 12) return s;
  const i = 1 + Math.floor(rnd() * (s.length - 3));
  return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
}

function vary(s: string, rnd: () => number): string {
  let out =
    OPENERS[Math.floor(rnd() * OPENERS.length)]! + s + CLOSERS[Math.floor(rnd() * CLOSERS.length)]!;
  const r = rnd();
  if (r < 0.3) out = out.charAt(0).toUpperCase() + out.slice(1);
  else if (r < 0.36) out = out.toUpperCase();
  if (rnd() < 0.12) out = typo(out, rnd);
  if (rnd() < 0.1) out = WRAPS[Math.floor(rnd() * WRAPS.length)]!.replace('{x}', out);
  return out;
}

const pick = <T>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)]!;

function fill(frame: string, goal: string, rnd: () => number): string {
  return frame
    .replace('{g}', goal)
    .replace(/\{g2\}/g, () => pick(DIRECTIVES, rnd))
    .replace(/\{d\}/g, () => pick(DIRECTIVES, rnd))
    .replace(/\{p\}/g, () => pick(PEOPLE, rnd))
    .replace(/\{grp\}/g, () => pick(GROUPS, rnd));
}

/** Frames × goals of a family, at most `cap` pairs (sampled without replacement), each varied once. */
function expand(
  f: Family,
  label: ClassifierLabel | null,
  cap: number,
  rnd: () => number,
  out: Example[],
): void {
  const pairs: Array<[number, number]> = [];
  f.frames.forEach((_, i) => f.goals.forEach((__, j) => pairs.push([i, j])));
  for (let k = pairs.length - 1; k > 0; k--) {
    const j = Math.floor(rnd() * (k + 1));
    [pairs[k], pairs[j]] = [pairs[j]!, pairs[k]!];
  }
  for (const [i, j] of pairs.slice(0, cap)) {
    const frame = f.frames[i]!;
    const goal = f.goals[j]!;
    const split = heldOut(`frame:${frame}`) || heldOut(`goal:${f.name}:${goal}`) ? 'test' : 'train';
    out.push({
      text: vary(fill(frame, goal, rnd), rnd),
      label,
      family: f.name,
      split,
      group: `${f.name}:${goal}`,
    });
  }
}

/** The project's own labelled corpus: every family expanded, deterministic for a seed. */
export function generateCorpus(seed = 11): Example[] {
  const rnd = prng(seed);
  const out: Example[] = [];
  for (const [label, families] of Object.entries(HARM))
    for (const f of families) expand(f, label as ClassifierLabel, 1400, rnd, out);
  for (const f of INJECTION) expand(f, 'prompt_injection', 700, rnd, out);
  for (const f of EXFILTRATION) expand(f, 'data_exfiltration', 900, rnd, out);
  for (const f of BENIGN) expand(f, null, 4000, rnd, out);
  for (const [label, families] of Object.entries(BREADTH_HARM))
    for (const f of families) expand(f, label as ClassifierLabel, 1400, rnd, out);
  for (const f of BREADTH_INJECTION) expand(f, 'prompt_injection', 700, rnd, out);
  for (const f of BREADTH_EXFILTRATION) expand(f, 'data_exfiltration', 900, rnd, out);
  for (const f of BREADTH_BENIGN) expand(f, null, 2500, rnd, out);
  return out;
}
