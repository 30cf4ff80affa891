import { diffDocuments, flatten } from './policy-diff';

describe('policy version diff', () => {
  it('flattens a document to path → JSON leaves, arrays whole and empty objects kept', () => {
    expect(
      flatten({
        settings: { daily_budget_usd: 100, content_safety: ['illegal'], team_budgets: {} },
        rules: [],
      }),
    ).toEqual({
      'settings.daily_budget_usd': '100',
      'settings.content_safety': '["illegal"]',
      'settings.team_budgets': '{}',
      rules: '[]',
    });
  });

  it('lists only the paths that differ, added and removed ones included, sorted', () => {
    const before = {
      settings: { daily_budget_usd: 100, key_rpm: 60 },
      deployer: { required_signers: 0 },
    };
    const after = {
      settings: { daily_budget_usd: 5, key_rpm: 60 },
      deployer: { required_signers: 0, log_level: 'full' },
    };
    expect(diffDocuments(before, after)).toEqual([
      { path: 'deployer.log_level', before: undefined, after: '"full"' },
      { path: 'settings.daily_budget_usd', before: '100', after: '5' },
    ]);
    expect(diffDocuments(after, after)).toEqual([]);
  });
});
