import { useEmbedded } from './harness/embedded';
import { logprobUpstream, type LogprobUpstream } from './harness/logprob-upstream';
import { runConfidenceScenario } from './confidence.scenario';

describe('confidence gate — embedded mode (in-process bus, PGlite)', () => {
  let upstream: LogprobUpstream;
  // Registered before useEmbedded's: the embedded gateway reads provider keys from the environment at start.
  beforeAll(async () => {
    upstream = await logprobUpstream();
    process.env.OPENAI_API_KEY = 'sk-test-confidence';
    process.env.OPENAI_BASE_URL = upstream.url;
  });
  const e = useEmbedded();
  afterAll(async () => {
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    await upstream?.close();
  });

  it('POST /v1/chat/completions: a low-confidence answer held (202), approved, returned once without a second upstream call; rejected, deleted; confident answers and streams pass', async () => {
    await runConfidenceScenario(
      { gateway: e.base, registry: e.base, approvals: e.base },
      e.bootstrapKey,
      upstream,
    );
  }, 240_000);
});
