import { useEmbedded } from './harness/embedded';
import { runComplianceScenario } from './compliance.scenario';

describe('EU AI Act compliance — embedded mode (in-process bus, PGlite)', () => {
  const e = useEmbedded();

  it(
    'fresh org refuses x-purpose social_scoring (403 risk_prohibited); a ' +
      'remediation applied is enforced and audited',
    async () => {
      await runComplianceScenario(
        { gateway: e.base, registry: e.base, audit: e.base },
        e.bootstrapKey,
      );
    },
  );
});
