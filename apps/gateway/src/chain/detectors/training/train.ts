import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { CHUNK, features, LABELS, prepare, type ClassifierLabel } from '../classifier/features';
import {
  Classifier,
  type LabelMetrics,
  type ModelFile,
  type Sensitivity,
} from '../classifier/model';
import { normalize } from '../normalize';
import { prng, type Example } from './generate';

export interface TrainOptions {
  bits: number;
  epochs: number;
  learningRate: number;
  /** L2 weight decay applied to the weights an example touches. */
  l2: number;
  seed: number;
}

/**
 * Weaker regularisation (l2 1e-3, rate 0.2) scored higher on the calibration part (mean
 * recall at 3 % false positives 0.64 against 0.56) but fired on everyday technical text
 * ("kill a Python thread", "ignore the linter warnings") in the detector corpora: the
 * stronger L2 keeps single trigger words from deciding.
 */
export const DEFAULT_OPTIONS: TrainOptions = {
  bits: 18,
  epochs: 6,
  learningRate: 0.5,
  l2: 3e-3,
  seed: 7,
};

/** False-positive targets per sensitivity on held-out benign text (issue 11). */
export const FP_TARGET: Record<Sensitivity, number> = { low: 0.01, medium: 0.03, high: 0.05 };
/**
 * Thresholds never go below these, whatever the calibration benign scores allow: synthetic
 * and third-party benign text is still easier than a production stream, so a head must be
 * at least this sure before it fires.
 */
export const THRESHOLD_FLOOR: Record<Sensitivity, number> = { low: 0.45, medium: 0.3, high: 0.15 };

/**
 * A sixth of the training groups (goals, third-party rows) is kept out of training to set
 * the thresholds: the held-out (test) split only measures, it never chooses anything.
 */
export const calibrates = (e: Example): boolean =>
  createHash('sha1')
    .update(`calibration:${e.group ?? e.text}`)
    .digest()
    .readUInt32BE(0) %
    6 ===
  0;

interface Encoded {
  buckets: Int32Array;
  norm: number;
  y: Uint8Array;
}

function encode(e: Example, mask: number): Encoded {
  // As at inference (classifier/model.ts): a feature counts once per chunk of text.
  const seen = new Map<number, Set<number>>();
  const list: number[] = [];
  features(prepare(normalize(e.text).folded), mask, {
    add: (pos, b) => {
      const k = (pos / CHUNK) | 0;
      let chunk = seen.get(k);
      if (!chunk) seen.set(k, (chunk = new Set()));
      if (!chunk.has(b)) (chunk.add(b), list.push(b));
    },
  });
  const n = list.length;
  const y = new Uint8Array(LABELS.length);
  for (const l of [e.label, ...(e.also ?? [])]) if (l) y[LABELS.indexOf(l)] = 1;
  return { buckets: Int32Array.from(list), norm: n > 0 ? 1 / Math.sqrt(n) : 0, y };
}

/** Logistic regression per label (AdaGrad, shared hashed features, positives up-weighted by sqrt of the imbalance). */
export function fit(
  train: readonly Example[],
  o: TrainOptions = DEFAULT_OPTIONS,
): { dense: Float32Array; bias: number[] } {
  const L = LABELS.length;
  const mask = (1 << o.bits) - 1;
  const data = train.map((e) => encode(e, mask));
  const w = new Float32Array((mask + 1) * L);
  const g2 = new Float32Array((mask + 1) * L);
  const bias = new Float64Array(L);
  const bg2 = new Float64Array(L);
  const pos = LABELS.map((_, l) => data.filter((d) => d.y[l]).length);
  const posWeight = pos.map((p) => (p > 0 ? Math.min(4, Math.sqrt((data.length - p) / p)) : 1));
  const order = data.map((_, i) => i);
  const rnd = prng(o.seed);
  const z = new Float64Array(L);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(rnd() * (k + 1));
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    for (const i of order) {
      const d = data[i]!;
      z.set(bias);
      for (const b of d.buckets) for (let l = 0; l < L; l++) z[l] += w[b * L + l]! * d.norm;
      for (let l = 0; l < L; l++) {
        const p = 1 / (1 + Math.exp(-z[l]!));
        const g = (p - d.y[l]!) * (d.y[l] ? posWeight[l]! : 1);
        z[l] = g;
        bg2[l] += g * g;
        bias[l] -= (o.learningRate * g) / Math.sqrt(bg2[l]! + 1e-8);
      }
      for (const b of d.buckets) {
        for (let l = 0; l < L; l++) {
          const idx = b * L + l;
          const grad = z[l]! * d.norm + o.l2 * w[idx]!;
          g2[idx] += grad * grad;
          w[idx] -= (o.learningRate * grad) / Math.sqrt(g2[idx]! + 1e-8);
        }
      }
    }
  }
  return { dense: w, bias: Array.from(bias) };
}

/** int8 per label (scale = max |w| / 127), gzip, base64. */
export function quantise(dense: Float32Array, L: number): { weights: string; scales: number[] } {
  const scales = new Array<number>(L).fill(0);
  for (let i = 0; i < dense.length; i++)
    scales[i % L] = Math.max(scales[i % L]!, Math.abs(dense[i]!));
  for (let l = 0; l < L; l++) scales[l] = scales[l]! / 127 || 1;
  const q = new Int8Array(dense.length);
  for (let i = 0; i < dense.length; i++) q[i] = Math.round(dense[i]! / scales[i % L]!);
  return { weights: gzipSync(Buffer.from(q.buffer), { level: 9 }).toString('base64'), scales };
}

/** The smallest threshold whose false-positive rate on `benign` is at most `target` (never below `floor`). */
export function thresholdFor(benign: Float64Array, target: number, floor: number): number {
  const sorted = Array.from(benign).sort((a, b) => b - a);
  const allowed = Math.floor(sorted.length * target);
  const t = sorted.length > allowed ? sorted[allowed]! + 1e-6 : 0;
  return Math.round(Math.max(t, floor) * 1e4) / 1e4;
}

export const corpusHash = (examples: readonly Example[]): string =>
  createHash('sha256')
    .update(examples.map((e) => `${e.split}\t${e.label ?? ''}\t${e.text}`).join('\n'))
    .digest('hex');

/** Held-out recall and false-positive rate per label at given thresholds. */
export function evaluate(
  model: Classifier,
  test: readonly Example[],
): {
  scores: Float64Array[];
  metrics: (t: Record<Sensitivity, number>, label: ClassifierLabel) => LabelMetrics;
} {
  const scores = test.map((e) => model.score(normalize(e.text).folded));
  const metrics = (t: Record<Sensitivity, number>, label: ClassifierLabel): LabelMetrics => {
    const l = LABELS.indexOf(label);
    const rate = (rows: number[], s: Sensitivity) =>
      rows.length ? rows.filter((i) => scores[i]![l]! >= t[s]).length / rows.length : 0;
    const posIdx = test
      .map((e, i) => (e.label === label || e.also?.includes(label) ? i : -1))
      .filter((i) => i >= 0);
    const benIdx = test.map((e, i) => (e.label === null ? i : -1)).filter((i) => i >= 0);
    const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
    return {
      threshold: t,
      recall: {
        low: r4(rate(posIdx, 'low')),
        medium: r4(rate(posIdx, 'medium')),
        high: r4(rate(posIdx, 'high')),
      },
      fpr: {
        low: r4(rate(benIdx, 'low')),
        medium: r4(rate(benIdx, 'medium')),
        high: r4(rate(benIdx, 'high')),
      },
      positives: posIdx.length,
    };
  };
  return { scores, metrics };
}

export const isOwn = (e: Example): boolean => !e.family.startsWith('extra.');

/**
 * Trains on the train split of `examples` (own corpus and any third-party rows, whose family
 * starts with `extra.`) less its calibration part, sets each head's thresholds from the
 * calibration part's benign texts (false-positive targets per sensitivity, floors), and
 * records held-out (test split) metrics on everything and on the own corpus alone.
 */
export function trainModel(
  examples: readonly Example[],
  o: TrainOptions = DEFAULT_OPTIONS,
  extra: ModelFile['trained_on']['extra'] = [],
): ModelFile {
  const train = examples.filter((e) => e.split === 'train' && !calibrates(e));
  const calibration = examples.filter((e) => e.split === 'train' && calibrates(e));
  const test = examples.filter((e) => e.split === 'test');
  const ownTest = test.filter(isOwn);
  const L = LABELS.length;
  const { dense, bias } = fit(train, o);
  const { weights, scales } = quantise(dense, L);
  const file: ModelFile = {
    version: 1,
    bits: o.bits,
    labels: [...LABELS],
    scales,
    bias,
    weights,
    metrics: {} as ModelFile['metrics'],
    own_metrics: {} as ModelFile['own_metrics'],
    trained_on: {
      examples: train.length,
      calibration: calibration.length,
      held_out: test.length,
      sha256: corpusHash(examples.filter(isOwn)),
      extra,
    },
  };
  const model = new Classifier(file);
  const { metrics } = evaluate(model, test);
  const own = evaluate(model, ownTest);
  const benign = calibration
    .filter((e) => e.label === null)
    .map((e) => model.score(normalize(e.text).folded));
  LABELS.forEach((label, l) => {
    const b = Float64Array.from(benign.map((s) => s[l]!));
    const t = {
      low: thresholdFor(b, FP_TARGET.low, THRESHOLD_FLOOR.low),
      medium: thresholdFor(b, FP_TARGET.medium, THRESHOLD_FLOOR.medium),
      high: thresholdFor(b, FP_TARGET.high, THRESHOLD_FLOOR.high),
    };
    file.metrics[label] = metrics(t, label);
    file.own_metrics[label] = own.metrics(t, label);
  });
  return file;
}
