import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
} from 'prom-client';

/**
 * One registry per process. The embedded mode mounts all five services in one process, so
 * every metric is created through the get-or-create helpers below: the second service to
 * ask for `gateway_requests_total` gets the first one's object instead of a
 * "already registered" error. Kept on globalThis so two copies of this module share it too.
 */
const SHARED = Symbol.for('@llmgov/telemetry.metrics');

interface Shared {
  registry: Registry;
  processMetrics: boolean;
}

function shared(): Shared {
  const holder = globalThis as unknown as Record<symbol, Shared | undefined>;
  return (holder[SHARED] ??= { registry: new Registry(), processMetrics: false });
}

/** The process-wide Prometheus registry served at `/metrics`. */
export const metricsRegistry = (): Registry => shared().registry;

/** Default process metrics (CPU, memory, event loop lag, GC), registered once per process. */
export function collectProcessMetrics(): void {
  const s = shared();
  if (s.processMetrics) return;
  collectDefaultMetrics({ register: s.registry });
  s.processMetrics = true;
}

type MetricClass<M> = new (config: never) => M;

function getOrCreate<M extends Metric<string>>(
  kind: MetricClass<M>,
  name: string,
  create: (registry: Registry) => M,
): M {
  const registry = metricsRegistry();
  const existing = registry.getSingleMetric(name);
  if (existing === undefined) return create(registry);
  if (!(existing instanceof kind))
    throw new Error(`metric ${name} is already registered as another kind`);
  return existing;
}

/** The counter of this name, created on first use. */
export function counter<L extends string>(config: CounterConfiguration<L>): Counter<L> {
  return getOrCreate(
    Counter,
    config.name,
    (registry) => new Counter<L>({ ...config, registers: [registry] }),
  ) as Counter<L>;
}

/** The histogram of this name, created on first use. */
export function histogram<L extends string>(config: HistogramConfiguration<L>): Histogram<L> {
  return getOrCreate(
    Histogram,
    config.name,
    (registry) => new Histogram<L>({ ...config, registers: [registry] }),
  ) as Histogram<L>;
}

/** The gauge of this name, created on first use. */
export function gauge<L extends string>(config: GaugeConfiguration<L>): Gauge<L> {
  return getOrCreate(
    Gauge,
    config.name,
    (registry) => new Gauge<L>({ ...config, registers: [registry] }),
  ) as Gauge<L>;
}

/**
 * Caches label children by their values, so a hot-path record is a Map lookup and an add,
 * with no label object allocated per call (prom-client hashes a label object each time).
 */
export function boundChildren<C>(labels: (...values: string[]) => C): (...values: string[]) => C {
  const cache = new Map<string, C>();
  return (...values: string[]) => {
    const key = values.length === 1 ? values[0] : values.join('\u0000');
    let child = cache.get(key);
    if (child === undefined) {
      child = labels(...values);
      cache.set(key, child);
    }
    return child;
  };
}
