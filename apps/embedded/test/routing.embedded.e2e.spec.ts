import { useEmbedded } from './harness/embedded';
import { fakeDeployment, type FakeDeployment } from './harness/fake-deployment';
import { ROUTE_A_KEY, runRoutingScenario } from './routing.scenario';

describe('routing across deployments — embedded mode (in-process bus, PGlite)', () => {
  let a: FakeDeployment;
  let b: FakeDeployment;
  // The embedded gateway reads provider and deployment keys from the process environment.
  process.env.DEPLOYMENT_KEY_ROUTE_A = ROUTE_A_KEY;
  const e = useEmbedded();
  beforeAll(async () => {
    a = await fakeDeployment('a');
    b = await fakeDeployment('b');
  });
  afterAll(async () => {
    delete process.env.DEPLOYMENT_KEY_ROUTE_A;
    await a?.close();
    await b?.close();
  });

  it('gpt-4o-mini over two deployments: both answer; one down → traffic moves; it recovers after cooldown → traffic returns', async () => {
    await runRoutingScenario({ gateway: e.base, registry: e.base }, e.bootstrapKey, a, b);
  }, 240_000);
});
