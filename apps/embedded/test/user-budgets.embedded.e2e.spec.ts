import { useEmbedded } from './harness/embedded';
import { runUserBudgetScenario } from './user-budgets.scenario';

describe('per-user daily budgets — embedded mode (in-process bus, PGlite)', () => {
  const e = useEmbedded();

  it('one end user exhausts its daily budget (403 daily_budget naming the user); another still passes; /budgets/status shows both', async () => {
    await runUserBudgetScenario(
      { gateway: e.base, registry: e.base, ledger: e.base },
      e.bootstrapKey,
    );
  }, 240_000);
});
