import { startDistributed, type Distributed } from './harness/distributed';
import { runComplianceScenario } from './compliance.scenario';

describe('EU AI Act compliance — distributed (real Kafka, real Postgres)', () => {
  let env: Distributed;

  beforeAll(async () => {
    env = await startDistributed({ audit: true, approvals: false });
  }, 300_000);
  afterAll(() => env?.close());

  it(
    'fresh org refuses x-purpose social_scoring (403 risk_prohibited); a ' +
      'remediation applied is enforced and audited',
    async () => {
      await runComplianceScenario(
        { gateway: env.gateways[0]!.url, registry: env.registry.url, audit: env.audit!.url },
        env.bootstrapKey,
      );
    },
  );
});
