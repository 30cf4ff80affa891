import { useEmbedded } from './harness/embedded';
import { runGuardrailsScenario } from './guardrails.scenario';

describe('scanned fields, explained verdicts, remote guardrails — embedded mode (in-process bus, PGlite)', () => {
  const e = useEmbedded();

  it(
    'PII in tool call arguments, names, tool descriptions and response_format is refused; ' +
      'exfiltration is judged before redaction and audited with its findings; explain shows ' +
      'every score; a webhook guardrail blocks naming the category',
    async () => {
      await runGuardrailsScenario(
        { gateway: e.base, registry: e.base, audit: e.base },
        e.bootstrapKey,
      );
    },
    180_000,
  );
});
