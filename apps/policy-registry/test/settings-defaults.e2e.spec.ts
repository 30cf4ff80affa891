import { MODEL_CATALOGUE, PLAN_DEFAULTS } from '@llmgov/policy-schema';
import { givenOrg, startRegistry, type RegistryHarness } from './registry-app';

/** `GET /gateway/admin/governance/policy/defaults`: what the settings editor shows beside each value. */
describe('governance settings — plan defaults and model catalogue', () => {
  let h: RegistryHarness;

  beforeAll(async () => {
    h = await startRegistry('in-process');
  });
  afterAll(async () => {
    await h.stop();
    await h.schema.cleanup();
  });

  it("answers the org's plan, that plan's default settings and the catalogue with prices, to any admin role", async () => {
    const org = await givenOrg(h, 'starter');
    const viewer = (
      await h.call('POST', '/governance/keys', org.ownerKey, { kind: 'admin', role: 'viewer' })
    ).body.data.key;
    await h.call('PUT', '/gateway/admin/governance/policy', org.ownerKey, { daily_budget_usd: 3 });

    const res = await h.call('GET', '/gateway/admin/governance/policy/defaults', viewer);

    expect(res.status).toBe(200);
    expect(res.body.data.plan).toBe('starter');
    expect(res.body.data.settings).toEqual(PLAN_DEFAULTS.starter);
    expect(res.body.data.settings.daily_budget_usd).toBe(10);
    expect(res.body.data.models).toEqual(MODEL_CATALOGUE);
    expect(res.body.data.models[0]).toHaveProperty('input_per_mtok_usd');
  });

  it('answers 401 without a key', async () => {
    expect(
      (await h.call('GET', '/gateway/admin/governance/policy/defaults', 'msh_wrong')).status,
    ).toBe(401);
  });
});
