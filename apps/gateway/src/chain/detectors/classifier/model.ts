import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  CHUNK,
  features,
  LABELS,
  prepare,
  type ClassifierLabel,
  type FeatureSink,
} from './features';

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
  /** Held-out figures on every source trained on (own corpus and the `--extra` datasets); thresholds set here. */
  metrics: Record<ClassifierLabel, LabelMetrics>;
  /**
   * Held-out figures on the project's own committed corpus alone, at the same thresholds:
   * what a checkout can recompute without the third-party files (the weights test does).
   */
  own_metrics: Record<ClassifierLabel, LabelMetrics>;
  trained_on: {
    examples: number;
    /** Kept out of training to set the thresholds (training/train.ts `calibrates`). */
    calibration: number;
    held_out: number;
    /** sha256 of the own corpus (generate.ts), splits and labels included. */
    sha256: string;
    /** Third-party files trained on (DATASETS.md), by name and sha256. */
    extra: Array<{ name: string; sha256: string; examples: number }>;
  };
}

export const MAX_CLASSIFIED = 256 * 1024;
const HEAD = 192 * 1024;
const TAIL = 64 * 1024;

export class Classifier {
  readonly labels: readonly ClassifierLabel[];
  private readonly mask: number;
  private readonly w: Float32Array;
  private readonly bias: Float64Array;
  /** Last chunk id per bucket (ChunkSink); ids restart from 1 when they near the int32 limit. */
  private readonly stamp: Int32Array;
  private nextId = 1;

  constructor(
    readonly file: ModelFile,
    dense?: Float32Array,
  ) {
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
    this.stamp = new Int32Array(this.mask + 1);
  }

  /**
   * Probability per label of a folded text: the maximum over its windows (two chunks each).
   * Past `MAX_CLASSIFIED` characters the heads read the first 192 KB and the last 64 KB
   * (bounded time; the phrase rules and decoders still read everything — docs/limits.md).
   */
  score(folded: string): Float64Array {
    // No language to judge: repeated characters or a lone token would only amplify n-gram
    // weights (a 400-character run of one letter must not read as a category).
    if (!hasWords(folded, MIN_DISTINCT_WORDS)) return new Float64Array(this.labels.length);
    const t = prepare(
      folded.length > MAX_CLASSIFIED ? `${folded.slice(0, HEAD)} ${folded.slice(-TAIL)}` : folded,
    );
    const L = this.labels.length;
    const chunks = Math.max(1, Math.ceil(t.length / CHUNK));
    if (this.nextId > 0x7fffffff - chunks) {
      this.stamp.fill(0);
      this.nextId = 1;
    }
    const sink = new ChunkSink(this.w, L, chunks, this.stamp, this.nextId);
    this.nextId += chunks;
    features(t, this.mask, sink);
    const best = new Float64Array(L);
    const { acc, cnt } = sink;
    const last = Math.max(0, chunks - 2);
    for (let k = 0; k <= last; k++) {
      const k2 = k + 1 < chunks ? k + 1 : k;
      const n = cnt[k]! + (k2 !== k ? cnt[k2]! : 0);
      const norm = n > 0 ? 1 / Math.sqrt(n) : 0;
      for (let l = 0; l < L; l++) {
        const sum = acc[k * L + l]! + (k2 !== k ? acc[k2 * L + l]! : 0);
        const p = 1 / (1 + Math.exp(-(this.bias[l]! + sum * norm)));
        if (p > best[l]!) best[l] = p;
      }
    }
    return best;
  }

  threshold(label: ClassifierLabel, s: Sensitivity): number {
    return this.file.metrics[label].threshold[s];
  }
}

/**
 * Sums weights per chunk of text (by the offset each feature starts at). A feature counts
 * once per chunk (repetition is no evidence): `stamp[bucket]` holds the id of the last chunk
 * that counted it, ids growing across calls, so nothing is cleared or hashed per feature.
 */
class ChunkSink implements FeatureSink {
  readonly acc: Float64Array;
  readonly cnt: Int32Array;
  private readonly base: number;
  constructor(
    private readonly w: Float32Array,
    private readonly L: number,
    chunks: number,
    private readonly stamp: Int32Array,
    firstId: number,
  ) {
    this.acc = new Float64Array(chunks * L);
    this.cnt = new Int32Array(chunks);
    this.base = firstId;
  }
  add(pos: number, bucket: number): void {
    const k = (pos / CHUNK) | 0;
    const id = this.base + k;
    if (this.stamp[bucket] === id) return;
    this.stamp[bucket] = id;
    const L = this.L;
    const base = bucket * L;
    const off = k * L;
    const acc = this.acc;
    const w = this.w;
    for (let l = 0; l < L; l++) acc[off + l] += w[base + l]!;
    this.cnt[k]!++;
  }
}

/** The heads abstain on a text with fewer distinct words (two letters or more) than this. */
export const MIN_DISTINCT_WORDS = 4;

/** Whether `text` holds at least `n` distinct words (stops reading once it has seen them). */
export function hasWords(text: string, n: number): boolean {
  const seen = new Set<string>();
  for (const m of text.matchAll(/\p{L}{2,}/gu)) {
    seen.add(m[0].length > 32 ? m[0].slice(0, 32) : m[0]);
    if (seen.size >= n) return true;
  }
  return false;
}

let loaded: Classifier | null = null;

/** The committed model (classifier/weights.json), loaded once. */
export function classifier(): Classifier {
  if (!loaded)
    loaded = new Classifier(
      JSON.parse(readFileSync(join(__dirname, 'weights.json'), 'utf8')) as ModelFile,
    );
  return loaded;
}

export { LABELS };
