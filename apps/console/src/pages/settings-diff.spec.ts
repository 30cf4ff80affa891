import type { Settings } from '../types';
import { asPatch, changes, show } from './settings-diff';

const live = {
  daily_budget_usd: 100,
  pii_patterns: { email: 'warn' },
  model_allowlist: { mode: 'all' },
  key_rpm: null,
} as unknown as Settings;

describe('settings diff before saving', () => {
  it('names each changed top-level field with its value now and after, and nothing else', () => {
    const draft = { ...live, daily_budget_usd: 5, pii_patterns: { email: 'block' } } as Settings;
    expect(changes(live, draft)).toEqual([
      { field: 'daily_budget_usd', from: 100, to: 5 },
      { field: 'pii_patterns', from: { email: 'warn' }, to: { email: 'block' } },
    ]);
    expect(changes(live, { ...live })).toEqual([]);
  });

  it('sends only the changed fields (PUT is partial) and shows null as unlimited', () => {
    const draft = { ...live, key_rpm: 30 } as Settings;
    expect(asPatch(changes(live, draft))).toEqual({ key_rpm: 30 });
    expect(show(null)).toBe('unlimited');
    expect(show({ mode: 'all' })).toBe('{"mode":"all"}');
  });
});
