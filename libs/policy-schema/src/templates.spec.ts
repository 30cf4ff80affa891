import { DEFAULT_DEPLOYER, PLAN_DEFAULTS } from './plans';
import { deployerPolicy } from './deployer.schema';
import { governanceSettings } from './settings.schema';
import { POLICY_TEMPLATES, TEMPLATE_NAMES } from './templates';

describe('policy templates', () => {
  it.each(TEMPLATE_NAMES)('%s yields a valid deployer policy and settings', (name) => {
    const t = POLICY_TEMPLATES[name];
    expect(deployerPolicy.safeParse({ ...DEFAULT_DEPLOYER, ...t.deployer }).success).toBe(true);
    expect(governanceSettings.safeParse({ ...PLAN_DEFAULTS.growth, ...t.settings }).success).toBe(
      true,
    );
    expect(t.deployer.allowed_purposes?.length).toBeGreaterThan(0);
    expect(t.deployer.risk_tier_defaults.social_scoring).toBe('prohibited');
    expect(t.deployer.risk_tier_defaults.credit_scoring).toBe('high');
  });
});
