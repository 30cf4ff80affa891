import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { features, LABELS, prepare, windows, type ClassifierLabel } from './features';

export type Sensitivity = 'low' | 'medium' | 'high';

/** Held-out figures recorded by the training script next to the weights. */
export interface LabelMetrics {
  threshold: Record<Sensitivity, number>;
  /** Recall on held-out positives and false-positive rate on held-out benign texts, per sensitivity. */
  recall: Record<Sensitivity, number>;
  fpr: Record<Sensitivity, number>;
  positives: number;
}

/**
 * A logistic-regression head per label over shared hashed features. Weights are int8,
 * one scale per label, stored interleaved (`bucket * labels + label`) so a feature costs
 * one contiguous read for every label.
 */
export interface ModelFile {
  version: 1;
  bits: number;
  labels: ClassifierLabel[];
  scales: number[];
  bias: number[];
  /** gzip of the int8 weights, base64. */
  weights: string;
  metrics: Record<ClassifierLabel, LabelMetrics>;
  trained_on: { examples: number; held_out: number; sha256: string };
}

export class Classifier {
  readonly labels: readonly ClassifierLabel[];
  private readonly mask: number;
  private readonly w: Float32Array;
  private readonly bias: Float64Array;
  private readonly acc: Float64Array;

  constructor(readonly file: ModelFile, dense?: Float32Array) {
    this.labels = file.labels;
    this.mask = (1 << file.bits) - 1;
    const L = file.labels.length;
    if (dense) this.w = dense;
    else {
      const q = new Int8Array(gunzipSync(Buffer.from(file.weights, 'base64')).buffer.slice(0));
      this.w = new Float32Array(q.length);
      for (let i = 0; i < q.length; i++) this.w[i] = q[i]! * file.scales[i % L]!;
    }
    this.bias = Float64Array.from(file.bias);
    this.acc = new Float64Array(L);
  }

  /** Probability per label of a folded text: the maximum over its windows. */
  score(folded: string): Float64Array {
    const t = prepare(folded);
    const L = this.labels.length;
    const best = new Float64Array(L);
    for (const [a, b] of windows(t)) {
      const acc = this.acc;
      acc.fill(0);
      const w = this.w;
      const n = features(a === 0 && b === t.length ? t : t.slice(a, b), this.mask, (bucket) => {
        const base = bucket * L;
        for (let l = 0; l < L; l++) acc[l] += w[base + l]!;
      });
      const norm = n > 0 ? 1 / Math.sqrt(n) : 0;
      for (let l = 0; l < L; l++) {
        const p = 1 / (1 + Math.exp(-(this.bias[l]! + acc[l]! * norm)));
        if (p > best[l]!) best[l] = p;
      }
    }
    return best;
  }

  threshold(label: ClassifierLabel, s: Sensitivity): number {
    return this.file.metrics[label].threshold[s];
  }
}

let loaded: Classifier | null = null;

/** The committed model (classifier/weights.json), loaded once. */
export function classifier(): Classifier {
  if (!loaded) loaded = new Classifier(JSON.parse(readFileSync(join(__dirname, 'weights.json'), 'utf8')) as ModelFile);
  return loaded;
}

export { LABELS };
