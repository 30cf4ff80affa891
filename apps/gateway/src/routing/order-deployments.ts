import type { ModelDeployment, ModelRoute } from '@llmgov/policy-schema';
import type { DeploymentHealth } from './deployment-health';

/**
 * The order to try a model's deployments in: those not cooling down first — by weighted
 * random draws without replacement (`weighted`) or fewest in flight, ties by weight
 * (`least_busy`) — then those cooling down, soonest back first (a last resort beats a 503).
 * `random` returns [0, 1); `keyOf` names a deployment in `health`.
 */
export function orderDeployments(
  route: ModelRoute,
  health: DeploymentHealth,
  keyOf: (d: ModelDeployment) => string,
  nowMs: number,
  random: () => number,
): ModelDeployment[] {
  const ready: ModelDeployment[] = [];
  const cooling: ModelDeployment[] = [];
  for (const d of route.deployments)
    (health.coolingUntil(keyOf(d)) > nowMs ? cooling : ready).push(d);
  cooling.sort((a, b) => health.coolingUntil(keyOf(a)) - health.coolingUntil(keyOf(b)));
  const first =
    route.strategy === 'least_busy'
      ? [...ready].sort(
          (a, b) =>
            health.inFlight(keyOf(a)) - health.inFlight(keyOf(b)) ||
            (b.weight ?? 1) - (a.weight ?? 1),
        )
      : weightedShuffle(ready, random);
  return [...first, ...cooling];
}

/** Draws without replacement, each with probability weight / remaining weight; weight 0 last. */
function weightedShuffle(list: ModelDeployment[], random: () => number): ModelDeployment[] {
  const left = [...list];
  const out: ModelDeployment[] = [];
  while (left.length > 0) {
    const total = left.reduce((sum, d) => sum + (d.weight ?? 1), 0);
    let i = 0;
    if (total > 0) {
      let r = random() * total;
      while (i < left.length - 1 && (r -= left[i]!.weight ?? 1) >= 0) i++;
      while ((left[i]!.weight ?? 1) === 0 && i < left.length - 1) i++;
    }
    out.push(left.splice(i, 1)[0]!);
  }
  return out;
}

/** The tries of one request: the order, cycled, up to `max_attempts` (default its length, at least 2). */
export function attemptsOf(route: ModelRoute, ordered: ModelDeployment[]): ModelDeployment[] {
  const n = route.max_attempts ?? Math.max(2, ordered.length);
  return Array.from({ length: n }, (_, i) => ordered[i % ordered.length]!);
}

/** The model's route in a document's `model_deployments`, by its resolved id. */
export function routeOf(
  routes: Record<string, ModelRoute> | undefined,
  modelId: string,
  resolve: (name: string) => { id: string } | null,
): ModelRoute | null {
  if (!routes) return null;
  if (routes[modelId]) return routes[modelId];
  for (const [name, route] of Object.entries(routes))
    if (resolve(name)?.id === modelId) return route;
  return null;
}
