import { Gauge } from 'prom-client';
import { counter, metricsRegistry } from './registry';

/** One reading of an observed gauge: label values and the value. */
export interface GaugeReading<L extends string> {
  labels: Record<L, string>;
  value: number;
}

export type GaugeObserver<L extends string> = () => GaugeReading<L>[] | Promise<GaugeReading<L>[]>;

/**
 * A gauge read at scrape time from callbacks (an outbox row count, pending approvals) rather
 * than kept current by the code. Each service registers its observer under its own key
 * (the embedded mode has several) and removes it on shutdown. A failing observer is counted
 * in `telemetry_observer_errors_total` and leaves its series out; the scrape still answers.
 */
export interface ObservedGauge<L extends string> {
  readonly gauge: Gauge<L>;
  /** Adds (or replaces) the observer under `key`; returns its removal. */
  observe(key: string, observer: GaugeObserver<L>): () => void;
  /** Sets a value directly (push style), kept until overwritten or removed. */
  set(labels: Record<L, string>, value: number): void;
  remove(labels: Record<L, string>): void;
}

const OBSERVED = Symbol.for('@llmgov/telemetry.observed-gauges');

/** The observed gauge of this name, created on first use (shared process-wide, like the registry). */
export function observedGauge<L extends string>(config: {
  name: string;
  help: string;
  labelNames: readonly L[];
}): ObservedGauge<L> {
  const holder = globalThis as unknown as Record<
    symbol,
    Map<string, ObservedGauge<string>> | undefined
  >;
  const all = (holder[OBSERVED] ??= new Map());
  const existing = all.get(config.name);
  if (existing && metricsRegistry().getSingleMetric(config.name) === existing.gauge)
    return existing as unknown as ObservedGauge<L>;
  const created = createObservedGauge(config);
  all.set(config.name, created as unknown as ObservedGauge<string>);
  return created;
}

function createObservedGauge<L extends string>(config: {
  name: string;
  help: string;
  labelNames: readonly L[];
}): ObservedGauge<L> {
  const observers = new Map<string, GaugeObserver<L>>();
  const pushed = new Map<string, GaugeReading<L>>();
  const errors = observerErrors();
  const keyOf = (labels: Record<L, string>) =>
    config.labelNames.map((l) => labels[l]).join('\u0000');
  const gauge: Gauge<L> = new Gauge<L>({
    name: config.name,
    help: config.help,
    labelNames: config.labelNames,
    registers: [metricsRegistry()],
    async collect() {
      gauge.reset();
      for (const reading of pushed.values()) gauge.set(reading.labels as never, reading.value);
      for (const [key, observer] of observers) {
        try {
          for (const reading of await observer()) gauge.set(reading.labels as never, reading.value);
        } catch {
          errors.labels(config.name, key).inc();
        }
      }
    },
  });
  return {
    gauge,
    observe(key, observer) {
      observers.set(key, observer);
      return () => {
        if (observers.get(key) === observer) observers.delete(key);
      };
    },
    set(labels, value) {
      pushed.set(keyOf(labels), { labels, value });
    },
    remove(labels) {
      pushed.delete(keyOf(labels));
    },
  };
}

function observerErrors() {
  return counter({
    name: 'telemetry_observer_errors_total',
    help: 'Scrape-time gauge observers that threw (their series were left out of that scrape).',
    labelNames: ['metric', 'observer'] as const,
  });
}
