import { startDistributed, type Distributed } from './harness/distributed';
import { GUARDRAILS_SCENARIO, runGuardrailsScenario } from './guardrails.scenario';

describe('scanned fields, explained verdicts, remote guardrails — distributed (real Kafka, real Postgres)', () => {
  let env: Distributed;

  beforeAll(async () => {
    env = await startDistributed({ audit: true, approvals: false });
  }, 300_000);
  afterAll(() => env?.close());

  it(
    GUARDRAILS_SCENARIO,
    async () => {
      await runGuardrailsScenario(
        { gateway: env.gateways[0]!.url, registry: env.registry.url, audit: env.audit!.url },
        env.bootstrapKey,
      );
    },
    240_000,
  );
});
