import { startDistributed, type Distributed } from './harness/distributed';
import { runGuardrailsScenario } from './guardrails.scenario';

describe('scanned fields, explained verdicts, remote guardrails — distributed (real Kafka, real Postgres)', () => {
  let env: Distributed;

  beforeAll(async () => {
    env = await startDistributed({ audit: true, approvals: false });
  }, 180_000);
  afterAll(() => env?.close());

  it(
    'PII in tool call arguments, names, tool descriptions and response_format is refused; ' +
      'exfiltration is judged before redaction and audited with its findings; explain shows ' +
      'every score; a webhook guardrail blocks naming the category',
    async () => {
      await runGuardrailsScenario(
        { gateway: env.gateways[0]!.url, registry: env.registry.url, audit: env.audit!.url },
        env.bootstrapKey,
      );
    },
    240_000,
  );
});
