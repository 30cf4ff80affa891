import { governanceSettingsPatch } from './settings.schema';

const issues = (patch: unknown) => {
  const r = governanceSettingsPatch.safeParse(patch);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('settings of issue 15: user_budgets, alert_webhooks, model_deployments', () => {
  it('accepts user budgets (default and overrides); refuses negatives and unknown fields', () => {
    expect(issues({ user_budgets: { default_daily_usd: 2, overrides: { u1: 0 } } })).toEqual([]);
    expect(issues({ user_budgets: { default_daily_usd: -1 } })[0]).toMatch(
      /^user_budgets.default_daily_usd/,
    );
    expect(issues({ user_budgets: { daily: 1 } })[0]).toMatch(/^user_budgets/);
  });

  it('alert webhooks name their secret, never hold one', () => {
    const hook = {
      id: 'ops',
      url: 'https://ops.example/hook',
      secret_name: 'OPS',
      events: ['budget'],
    };
    expect(issues({ alert_webhooks: [hook] })).toEqual([]);
    expect(issues({ alert_webhooks: [{ ...hook, secret: 'whsec_x' }] })[0]).toMatch(
      /^alert_webhooks.0: Unrecognized key/,
    );
    expect(issues({ alert_webhooks: [{ ...hook, secret_name: 'whsec_x' }] })[0]).toMatch(
      /^alert_webhooks.0.secret_name/,
    );
    expect(issues({ alert_webhooks: [{ ...hook, url: 'ftp://x' }] })[0]).toMatch(
      /^alert_webhooks.0.url/,
    );
    expect(issues({ alert_webhooks: [{ ...hook, events: ['everything'] }] })[0]).toMatch(
      /^alert_webhooks.0.events.0/,
    );
  });

  it('model deployments: of the model’s own provider, unique ids, a known model', () => {
    const d = {
      id: 'east',
      provider: 'openai',
      base_url: 'https://east.example/v1',
      key_name: 'EAST',
    };
    expect(issues({ model_deployments: { 'gpt-4o': { deployments: [d] } } })).toEqual([]);
    expect(
      issues({ model_deployments: { 'gpt-4o': { deployments: [{ ...d, provider: 'groq' }] } } }),
    ).toEqual([
      "model_deployments.gpt-4o.deployments.0.provider: a deployment of 'gpt-4o' must be of its provider 'openai'",
    ]);
    expect(issues({ model_deployments: { 'gpt-4o': { deployments: [d, d] } } })).toEqual([
      "model_deployments.gpt-4o.deployments.1.id: deployment id 'east' is used twice",
    ]);
    expect(issues({ model_deployments: { nonsense: { deployments: [d] } } })[0]).toMatch(
      /^model_deployments.nonsense: unknown model/,
    );
    expect(
      issues({ model_deployments: { 'gpt-4o': { deployments: [{ ...d, api_key: 'sk-1' }] } } })[0],
    ).toMatch(/^model_deployments.gpt-4o.deployments.0: Unrecognized key/);
  });
});
