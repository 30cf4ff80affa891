import { createRuleInput, updateRuleInput } from './rule-input.schema';
import { governanceSettingsPatch } from './settings.schema';

const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (r.error?.issues ?? []).map((i) => i.path.join('.'));

describe('typed rule input', () => {
  it('accepts the seed example with defaults for scope and enabled', () => {
    const r = createRuleInput.parse({
      name: 'api-rate-limit',
      policy_type: 'rate_limit',
      config: { requests_per_minute: 60 },
    });
    expect(r).toMatchObject({ scope: 'global', enabled: true });
  });
  it.each([
    ['an unknown policy_type', { name: 'x', policy_type: 'nope', config: {} }, ['policy_type']],
    [
      'a negative limit',
      { name: 'x', policy_type: 'budget_limit', config: { monthly_limit_usd: -5 } },
      ['config.monthly_limit_usd'],
    ],
    [
      'an unknown bare model name',
      {
        name: 'x',
        policy_type: 'model_allowlist',
        config: { allowed_models: ['gpt-4o', 'gtp-4o'] },
      },
      ['config.allowed_models.1'],
    ],
    [
      'a missing scope id',
      { name: 'x', policy_type: 'rate_limit', config: { requests_per_minute: 1 }, scope: 'agent' },
      ['agent_id'],
    ],
    [
      'an id the scope does not take',
      {
        name: 'x',
        policy_type: 'rate_limit',
        config: { requests_per_minute: 1 },
        team_id: 'team_1',
      },
      ['team_id'],
    ],
    [
      'a config field of another type',
      { name: 'x', policy_type: 'block_provider', config: { provider: 'openai', models: [] } },
      ['config'],
    ],
  ])('refuses %s, naming the field', (_, body, expected) => {
    expect(paths(createRuleInput.safeParse(body))).toEqual(expected);
  });
  it('accepts provider/model names outside the catalogue', () => {
    expect(
      createRuleInput.safeParse({
        name: 'x',
        policy_type: 'model_allowlist',
        config: { allowed_models: ['groq/llama-3.1-8b-instant'] },
      }).success,
    ).toBe(true);
  });
  it('refuses changing policy_type in a patch', () => {
    expect(updateRuleInput.safeParse({ policy_type: 'rate_limit' }).success).toBe(false);
  });
  it('names unknown and mistyped settings fields', () => {
    const r = governanceSettingsPatch.safeParse({ rate_limit_rpm: 'x', colour: 'red' });
    expect(
      r.error?.issues.map((i) =>
        i.code === 'unrecognized_keys' ? i.keys.join() : i.path.join('.'),
      ),
    ).toEqual(['rate_limit_rpm', 'colour']);
  });
});
