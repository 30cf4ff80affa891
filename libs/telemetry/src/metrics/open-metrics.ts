import {
  Histogram,
  Registry,
  type HistogramConfiguration,
  type Metric,
  type OpenMetricsContentType,
} from 'prom-client';
import { metricsRegistry } from './registry';

/**
 * Exemplars (a trace id beside a histogram bucket, so a latency spike on a dashboard leads
 * to a trace) exist only in the OpenMetrics format, and prom-client 15 renders them only from
 * a registry of that content type and only lets a metric with exemplars be constructed on
 * one. The process registry stays Prometheus text (what every scraper reads); `/metrics`
 * answers OpenMetrics, exemplars included, to a scraper that asks for it in `Accept`
 * (Prometheus does, with `--enable-feature=exemplar-storage` to keep them).
 */
export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;

/** True when an `Accept` header asks for OpenMetrics text. */
export const wantsOpenMetrics = (accept: string | undefined): boolean =>
  accept?.includes('application/openmetrics-text') ?? false;

/** Only there to pass prom-client's check that a metric with exemplars lives on an OpenMetrics registry. */
const exemplarCheck = openMetricsRegistry();

function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return registry;
}

/**
 * The histogram of this name, created on first use, that records exemplars: observe it with
 * `observe({ labels, value, exemplarLabels: { trace_id, span_id } })` (the object form).
 */
export function exemplarHistogram<L extends string>(
  config: HistogramConfiguration<L>,
): Histogram<L> {
  const registry = metricsRegistry();
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Histogram) return existing as Histogram<L>;
  if (existing) throw new Error(`metric ${config.name} is already registered as another kind`);
  const created = new Histogram<L>({
    ...config,
    enableExemplars: true,
    registers: [exemplarCheck],
  });
  exemplarCheck.removeSingleMetric(config.name);
  registry.registerMetric(created);
  return created;
}

/**
 * The process registry in OpenMetrics text. Rendered through a registry of views, because
 * prom-client's OpenMetrics rendering renames the counters it renders (drops `_total` from
 * the metric object itself), which would change every later Prometheus scrape.
 */
export async function openMetricsText(): Promise<string> {
  const view = openMetricsRegistry();
  for (const metric of metricsRegistry().getMetricsAsArray())
    view.registerMetric(viewOf(metric as unknown as Metric) as unknown as Metric);
  return view.metrics();
}

interface MetricData {
  name: string;
  type: string;
}

function viewOf(metric: Metric): object {
  const { name, type } = metric as unknown as MetricData;
  // OpenMetrics names a counter family without `_total`; its samples get it back.
  const family = type === 'counter' ? name.replace(/_total$/, '') : name;
  return {
    name: family,
    type,
    get: async () => ({ ...(await metric.get()), name: family }),
  };
}
