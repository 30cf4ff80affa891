import { useEmbedded } from './harness/embedded';
import { GUARDRAILS_SCENARIO, runGuardrailsScenario } from './guardrails.scenario';

describe('scanned fields, explained verdicts, remote guardrails — embedded mode (in-process bus, PGlite)', () => {
  const e = useEmbedded();

  it(
    GUARDRAILS_SCENARIO,
    async () => {
      await runGuardrailsScenario(
        { gateway: e.base, registry: e.base, audit: e.base },
        e.bootstrapKey,
      );
    },
    180_000,
  );
});
