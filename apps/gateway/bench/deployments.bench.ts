/**
 * The cost routing across deployments adds to a request (docs/routing.md): ordering three
 * deployments (weighted, least-busy, one cooling down) and a whole `callDeployments` over an
 * in-memory provider that answers at once — the gateway's own work, no network.
 * `node -r ./tools/register.cjs apps/gateway/bench/deployments.bench.ts [calls]`
 */
import type { ModelRoute } from '@llmgov/policy-schema';
import type { Provider } from '../src/providers/provider';
import { callDeployments } from '../src/routing/call-deployments';
import { DeploymentHealth } from '../src/routing/deployment-health';
import { orderDeployments } from '../src/routing/order-deployments';
import { answered, deployment, gpt4o, orgContext } from '../src/routing/testing/routing-fixtures';

const CALLS = Number(process.argv[2] ?? 200_000);
const dep = (id: string, weight: number) => deployment(id, { weight });
const route = (strategy: ModelRoute['strategy']): ModelRoute => ({
  strategy,
  retry_backoff_ms: 0,
  deployments: [dep('a', 3), dep('b', 2), dep('c', 1)],
});
const key = (d: { id: string }) => d.id;

function time(label: string, fn: () => unknown, calls = CALLS): void {
  for (let i = 0; i < 10_000; i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn();
  const ns = Number(process.hrtime.bigint() - t0) / calls;
  console.log(`${label.padEnd(44)} ${ns.toFixed(0).padStart(6)} ns/call`);
}

async function main(): Promise<void> {
  const health = new DeploymentHealth();
  health.failed('c', Date.now(), 3_600_000);
  time('orderDeployments weighted (3, one cooling)', () =>
    orderDeployments(route('weighted'), health, key, Date.now(), Math.random),
  );
  time('orderDeployments least_busy (3, one cooling)', () =>
    orderDeployments(route('least_busy'), health, key, Date.now(), Math.random),
  );

  const model = gpt4o;
  const ctx = orgContext;
  const ok = answered;
  const provider = { name: 'p' } as Provider;
  const signal = new AbortController().signal;
  const r = route('weighted');
  const n = Math.min(CALLS, 100_000);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++)
    await callDeployments(
      { ctx, model, route: r, stream: false, signal },
      { providerOf: () => provider, health, call: async () => ok },
    );
  const ns = Number(process.hrtime.bigint() - t0) / n;
  console.log(
    `${'callDeployments, first deployment answers'.padEnd(44)} ${ns.toFixed(0).padStart(6)} ns/call`,
  );
}

void main();
