import { boundChildren, counter, histogram } from './registry';

/** How a gateway request ended (the `outcome` label). */
export type RequestOutcome = 'allowed' | 'refused' | 'held' | 'upstream_error' | 'error';

/** Chain steps take microseconds to a few milliseconds: buckets from 50 µs to 250 ms. */
const STEP_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
];
/** Upstream LLM calls: 50 ms to 2 minutes. */
const UPSTREAM_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 120];

const requests = counter({
  name: 'gateway_requests_total',
  help: 'Gateway requests by outcome, the step that decided (none when every step allowed) and the error code (none when allowed).',
  labelNames: ['outcome', 'step', 'code'] as const,
});
const stepDuration = histogram({
  name: 'gateway_step_duration_seconds',
  help: 'Time spent in each governance chain step.',
  labelNames: ['step'] as const,
  buckets: STEP_BUCKETS,
});
const chainDuration = histogram({
  name: 'gateway_chain_duration_seconds',
  help: 'Time spent in the whole governance chain per request (x-governance-time-ms).',
  buckets: STEP_BUCKETS,
});
const upstreamDuration = histogram({
  name: 'gateway_upstream_duration_seconds',
  help: 'Upstream provider latency, to the last byte of the answer.',
  labelNames: ['provider', 'model', 'outcome'] as const,
  buckets: UPSTREAM_BUCKETS,
});
const tokens = counter({
  name: 'gateway_tokens_total',
  help: 'Tokens forwarded upstream (input) and answered (output).',
  labelNames: ['provider', 'model', 'type'] as const,
});
const cost = counter({
  name: 'gateway_cost_micro_usd_total',
  help: 'Actual cost of forwarded requests in micro-dollars (1e-6 USD).',
  labelNames: ['provider', 'model'] as const,
});

const requestChild = boundChildren(requests.labels.bind(requests));
const stepChild = boundChildren(stepDuration.labels.bind(stepDuration));
const upstreamChild = boundChildren(upstreamDuration.labels.bind(upstreamDuration));
const tokenChild = boundChildren(tokens.labels.bind(tokens));
const costChild = boundChildren(cost.labels.bind(cost));

/** What the gateway records. Every call is a cached-child lookup plus an add. */
export const gatewayMetrics = {
  /** One per request, when its outcome is known. `step`/`code` are `none` when allowed. */
  request(outcome: RequestOutcome, step = 'none', code = 'none'): void {
    requestChild(outcome, step, code).inc();
  },
  step(step: string, seconds: number): void {
    stepChild(step).observe(seconds);
  },
  chain(seconds: number): void {
    chainDuration.observe(seconds);
  },
  upstream(provider: string, model: string, outcome: 'ok' | 'error', seconds: number): void {
    upstreamChild(provider, model, outcome).observe(seconds);
  },
  usage(
    provider: string,
    model: string,
    inputTokens: number,
    outputTokens: number,
    costMicroUsd: number,
  ): void {
    if (inputTokens > 0) tokenChild(provider, model, 'input').inc(inputTokens);
    if (outputTokens > 0) tokenChild(provider, model, 'output').inc(outputTokens);
    if (costMicroUsd > 0) costChild(provider, model).inc(costMicroUsd);
  },
};
