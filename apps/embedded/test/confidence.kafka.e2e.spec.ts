import { startDistributed, type Distributed } from './harness/distributed';
import { logprobUpstream, type LogprobUpstream } from './harness/logprob-upstream';
import { runConfidenceScenario } from './confidence.scenario';

describe('confidence gate — distributed (real Kafka, real Postgres)', () => {
  let env: Distributed;
  let upstream: LogprobUpstream;

  beforeAll(async () => {
    upstream = await logprobUpstream();
    env = await startDistributed({
      audit: false,
      providerEnv: { OPENAI_API_KEY: 'sk-test-confidence', OPENAI_BASE_URL: upstream.url },
    });
  }, 300_000);
  afterAll(async () => {
    await env?.close();
    await upstream?.close();
  });

  it('POST /v1/chat/completions: a low-confidence answer held (202), approved, returned once without a second upstream call; rejected, deleted; confident answers and streams pass', async () => {
    await runConfidenceScenario(
      { gateway: env.gateways[0]!.url, registry: env.registry.url, approvals: env.approvals!.url },
      env.bootstrapKey,
      upstream,
    );
  }, 300_000);
});
