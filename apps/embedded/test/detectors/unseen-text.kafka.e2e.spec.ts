import { startDistributed, type Distributed } from '../harness/distributed';
import { unseenTextScenario } from './unseen-text.scenario';

describe('trained detectors through /v1/chat/completions — distributed (real Kafka, real Postgres)', () => {
  let cluster: Distributed;

  beforeAll(async () => {
    cluster = await startDistributed();
  }, 300_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it("refuses the issue's examples naming the category and answers unseen look-alikes", async () => {
    await unseenTextScenario(
      { registry: cluster.registry.url, gateways: cluster.gateways.map((g) => g.url) },
      cluster.bootstrapKey,
    );
  }, 300_000);
});
