import { useEmbedded } from '../harness/embedded';
import { unseenTextScenario } from './unseen-text.scenario';

describe('trained detectors through /v1/chat/completions — embedded mode (in-process bus, PGlite)', () => {
  const e = useEmbedded();

  it("refuses the issue's examples naming the category and answers unseen look-alikes", async () => {
    await unseenTextScenario({ registry: e.base, gateways: [e.base] }, e.bootstrapKey);
  }, 120_000);
});
