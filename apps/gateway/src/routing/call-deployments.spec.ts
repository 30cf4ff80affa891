import type { ModelDeployment, ModelRoute } from '@llmgov/policy-schema';
import type { Provider, UpstreamResult } from '../providers/provider';
import { callDeployments } from './call-deployments';
import { DeploymentHealth } from './deployment-health';
import { answered, deployment, gpt4o, orgContext } from './testing/routing-fixtures';

const model = gpt4o;
const ctx = orgContext;
const dep = deployment;
const ok = answered;
const err = (status: number, retryable = true): UpstreamResult => ({
  kind: 'error',
  status,
  message: `upstream ${status}`,
  retryable,
});

/** Each deployment answers from its script, one result per call (the last repeats). */
function run(
  route: ModelRoute,
  scripts: Record<string, UpstreamResult[]>,
  health = new DeploymentHealth(),
  now = 0,
) {
  const calls: string[] = [];
  const providerOf = (d: ModelDeployment): Provider | undefined =>
    scripts[d.id] ? ({ name: d.id } as Provider) : undefined;
  return {
    calls,
    health,
    answer: callDeployments(
      { ctx, model, route, stream: false, signal: new AbortController().signal },
      {
        providerOf,
        health,
        now: () => now,
        random: () => 0,
        call: async (p, upstreamModel) => {
          calls.push(`${p.name}:${upstreamModel}`);
          const s = scripts[p.name]!;
          return s.length > 1 ? s.shift()! : s[0]!;
        },
      },
    ),
  };
}

describe('callDeployments', () => {
  const two: ModelRoute = {
    deployments: [dep('a'), dep('b')],
    retry_backoff_ms: 0,
    cooldown_s: 10,
  };

  it('answers from the first deployment and names it', async () => {
    const r = run(two, { a: [ok], b: [ok] });
    expect(await r.answer).toMatchObject({ deployment: 'a', result: { kind: 'json' } });
    expect(r.calls).toEqual(['a:gpt-4o']);
  });

  it.each([429, 500, 503, 504])(
    'a %s moves to the next deployment and cools the failed one down',
    async (status) => {
      const r = run(two, { a: [err(status)], b: [ok] });
      expect(await r.answer).toMatchObject({ deployment: 'b', result: { kind: 'json' } });
      expect(r.calls).toEqual(['a:gpt-4o', 'b:gpt-4o']);
      expect(r.health.coolingUntil('org_a|gpt-4o|a')).toBe(10_000);
      expect(r.health.coolingUntil('org_a|gpt-4o|b')).toBe(0);
    },
  );

  it('a non-retryable answer (400) is final', async () => {
    const r = run(two, { a: [err(400, false)], b: [ok] });
    expect(await r.answer).toMatchObject({ deployment: 'a', result: { status: 400 } });
    expect(r.calls).toEqual(['a:gpt-4o']);
  });

  it('all failing: the last error, after max_attempts tries', async () => {
    const r = run({ ...two, max_attempts: 3 }, { a: [err(503)], b: [err(502)] });
    expect(await r.answer).toMatchObject({ result: { kind: 'error', status: 503 } });
    expect(r.calls).toEqual(['a:gpt-4o', 'b:gpt-4o', 'a:gpt-4o']);
  });

  it('a deployment without its key here is skipped (503 only when none answers)', async () => {
    const r = run(
      { ...two, deployments: [dep('nokey', { key_name: 'X' }), dep('b')] },
      { b: [ok] },
    );
    expect(await r.answer).toMatchObject({ deployment: 'b' });
  });

  it('sends the deployment its own model name when it has one', async () => {
    const r = run({ deployments: [dep('azure', { model: 'my-gpt4o' })] }, { azure: [ok] });
    await r.answer;
    expect(r.calls).toEqual(['azure:my-gpt4o']);
  });

  it('retries stop at the deadline (the signal)', async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const answer = callDeployments(
      {
        ctx,
        model,
        route: { ...two, retry_backoff_ms: 60_000 },
        stream: false,
        signal: controller.signal,
      },
      {
        providerOf: (d) => ({ name: d.id }) as Provider,
        health: new DeploymentHealth(),
        call: async (p) => {
          calls.push(p.name);
          return err(503);
        },
      },
    );
    setTimeout(() => controller.abort(), 20);
    expect(await answer).toMatchObject({ result: { status: 503 } });
    expect(calls).toHaveLength(1);
  });
});
