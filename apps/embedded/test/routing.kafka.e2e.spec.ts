import { startDistributed, type Distributed } from './harness/distributed';
import { fakeDeployment, type FakeDeployment } from './harness/fake-deployment';
import { ROUTE_A_KEY, runRoutingScenario } from './routing.scenario';

describe('routing across deployments — distributed (real Kafka, real Postgres)', () => {
  let env: Distributed;
  let a: FakeDeployment;
  let b: FakeDeployment;

  beforeAll(async () => {
    a = await fakeDeployment('a');
    b = await fakeDeployment('b');
    env = await startDistributed({
      audit: false,
      approvals: false,
      providerEnv: { DEPLOYMENT_KEY_ROUTE_A: ROUTE_A_KEY },
    });
  }, 300_000);
  afterAll(async () => {
    await env?.close();
    await a?.close();
    await b?.close();
  });

  it('gpt-4o-mini over two deployments: both answer; one down → traffic moves; it recovers after cooldown → traffic returns', async () => {
    await runRoutingScenario(
      { gateway: env.gateways[0]!.url, registry: env.registry.url },
      env.bootstrapKey,
      a,
      b,
    );
  }, 300_000);
});
