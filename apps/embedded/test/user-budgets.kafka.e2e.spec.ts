import { startDistributed, type Distributed } from './harness/distributed';
import { runUserBudgetScenario } from './user-budgets.scenario';

describe('per-user daily budgets — distributed (real Kafka, real Postgres)', () => {
  let env: Distributed;

  beforeAll(async () => {
    env = await startDistributed({ audit: false, approvals: false });
  }, 300_000);
  afterAll(() => env?.close());

  it('one end user exhausts its daily budget (403 daily_budget naming the user); another still passes; /budgets/status shows both', async () => {
    await runUserBudgetScenario(
      { gateway: env.gateways[0]!.url, registry: env.registry.url, ledger: env.ledger.url },
      env.bootstrapKey,
    );
  }, 300_000);
});
