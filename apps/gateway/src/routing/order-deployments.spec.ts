import type { ModelRoute } from '@llmgov/policy-schema';
import { DeploymentHealth } from './deployment-health';
import { attemptsOf, orderDeployments, routeOf } from './order-deployments';
import { deployment } from './testing/routing-fixtures';

const dep = (id: string, weight = 1) => deployment(id, { weight });
const route = (over: Partial<ModelRoute> = {}): ModelRoute => ({
  deployments: [dep('a', 3), dep('b', 1)],
  ...over,
});
const key = (d: { id: string }) => d.id;
const ids = (list: { id: string }[]) => list.map((d) => d.id);

/** A deterministic [0, 1) sequence. */
const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('orderDeployments', () => {
  it('weighted: draws by weight (a:3, b:1 → a first for draws below 0.75)', () => {
    const h = new DeploymentHealth();
    expect(ids(orderDeployments(route(), h, key, 0, seq(0.5, 0)))).toEqual(['a', 'b']);
    expect(ids(orderDeployments(route(), h, key, 0, seq(0.8, 0)))).toEqual(['b', 'a']);
  });

  it('weighted: over many draws the first pick follows the weights', () => {
    const h = new DeploymentHealth();
    let a = 0;
    for (let i = 0; i < 4000; i++)
      if (orderDeployments(route(), h, key, 0, Math.random)[0]!.id === 'a') a++;
    expect(a / 4000).toBeGreaterThan(0.7);
    expect(a / 4000).toBeLessThan(0.8);
  });

  it('a weight of 0 is tried only after the others', () => {
    const r = route({ deployments: [dep('spare', 0), dep('main', 1)] });
    for (const x of [0, 0.3, 0.99])
      expect(ids(orderDeployments(r, new DeploymentHealth(), key, 0, seq(x)))).toEqual([
        'main',
        'spare',
      ]);
  });

  it('a deployment cooling down goes last until its cooldown ends', () => {
    const h = new DeploymentHealth();
    h.failed('a', 1000, 5000);
    expect(ids(orderDeployments(route(), h, key, 2000, seq(0)))).toEqual(['b', 'a']);
    expect(ids(orderDeployments(route(), h, key, 6000, seq(0)))).toEqual(['a', 'b']);
    h.failed('a', 6000, 5000);
    h.succeeded('a');
    expect(ids(orderDeployments(route(), h, key, 6001, seq(0)))).toEqual(['a', 'b']);
  });

  it('several cooling: soonest back first', () => {
    const h = new DeploymentHealth();
    h.failed('a', 0, 9000);
    h.failed('b', 0, 3000);
    expect(ids(orderDeployments(route(), h, key, 1000, seq(0)))).toEqual(['b', 'a']);
  });

  it('least_busy: fewest in flight first, ties by weight', () => {
    const h = new DeploymentHealth();
    const r = route({ strategy: 'least_busy' });
    expect(ids(orderDeployments(r, h, key, 0, seq(0.99)))).toEqual(['a', 'b']);
    h.begin('a');
    expect(ids(orderDeployments(r, h, key, 0, seq(0)))).toEqual(['b', 'a']);
    h.end('a');
    expect(ids(orderDeployments(r, h, key, 0, seq(0)))).toEqual(['a', 'b']);
  });
});

describe('attemptsOf / routeOf', () => {
  it('cycles the order up to max_attempts (default: the count, at least 2)', () => {
    const one = route({ deployments: [dep('a')] });
    expect(ids(attemptsOf(one, one.deployments))).toEqual(['a', 'a']);
    expect(ids(attemptsOf(route({ max_attempts: 3 }), [dep('a'), dep('b')]))).toEqual([
      'a',
      'b',
      'a',
    ]);
  });

  it('finds a route by the resolved model id', () => {
    const r = route();
    const resolve = (n: string) => ({ id: n.replace(/^openai\//, '') });
    expect(routeOf({ 'openai/gpt-4o': r }, 'gpt-4o', resolve)).toBe(r);
    expect(routeOf({ 'gpt-4o': r }, 'gpt-4o-mini', resolve)).toBeNull();
    expect(routeOf(undefined, 'gpt-4o', resolve)).toBeNull();
  });
});
