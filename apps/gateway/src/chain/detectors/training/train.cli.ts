import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABELS } from '../classifier/features';
import { generateCorpus } from './generate';
import { readExtra, type DatasetSource } from './extra';
import type { ModelFile } from '../classifier/model';
import { DEFAULT_OPTIONS, trainModel } from './train';

/**
 * `npm run train:detectors [-- --extra <dir>] [--out <file>]`: trains the classifier heads
 * on the project's own corpus (plus, with `--extra`, the third-party files of DATASETS.md
 * found in <dir>, hash-checked) and writes classifier/weights.json with held-out metrics.
 */
function main(argv: string[]): void {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const examples = generateCorpus();
  const extraDir = arg('--extra');
  let used: ModelFile['trained_on']['extra'] = [];
  if (extraDir) {
    const sources = JSON.parse(
      readFileSync(join(__dirname, 'datasets.json'), 'utf8'),
    ) as DatasetSource[];
    const extra = readExtra(extraDir, sources, log);
    examples.push(...extra.examples);
    used = extra.used;
  }
  const out = arg('--out') ?? join(__dirname, '..', 'classifier', 'weights.json');
  const t0 = Date.now();
  const file = trainModel(examples, DEFAULT_OPTIONS, used);
  const n = file.trained_on;
  log(
    `trained on ${n.examples} examples in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
      `thresholds from ${n.calibration}, measured on ${n.held_out} held out`,
  );
  for (const l of LABELS) {
    for (const [scope, m] of [
      ['all', file.metrics[l]],
      ['own', file.own_metrics[l]],
    ] as const)
      log(
        `${l.padEnd(18)} ${scope} n=${String(m.positives).padStart(4)}  ` +
          (['low', 'medium', 'high'] as const)
            .map(
              (s) =>
                `${s}: t=${m.threshold[s].toFixed(3)} recall=${m.recall[s].toFixed(3)} fp=${m.fpr[s].toFixed(3)}`,
            )
            .join('  '),
      );
  }
  writeFileSync(out, `${JSON.stringify(file)}\n`);
  log(`wrote ${out} (${(JSON.stringify(file).length / 1024).toFixed(0)} KB)`);
}

main(process.argv.slice(2));
