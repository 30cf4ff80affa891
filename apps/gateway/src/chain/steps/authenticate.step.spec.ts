import { newContext } from '@llmgov/chain';
import { authenticateStep } from './authenticate.step';
import {
  AGENT,
  NOW,
  SECRET,
  TEAM,
  testPolicy,
  testViews,
  verdictOf,
} from '../testing/chain-fixture';

const ctxWith = (
  headers: Record<string, string>,
  policy: ReturnType<typeof testPolicy> | null = testPolicy(),
) =>
  newContext({
    request_id: 'req_t',
    now: NOW,
    headers,
    raw_body: null,
    views: testViews(policy),
    dry_run: false,
  });

describe('authenticate step', () => {
  it.each([
    ['no key', {}, { kind: 'block', code: 'missing_api_key', status: 401 }],
    [
      'unknown key',
      { authorization: 'Bearer gk_nope' },
      { kind: 'block', code: 'invalid_api_key', status: 401 },
    ],
    [
      'admin key on the gateway',
      { authorization: 'Bearer msh_whatever' },
      { kind: 'block', code: 'invalid_api_key', status: 401 },
    ],
    ['bearer key', { authorization: `Bearer ${SECRET}` }, { kind: 'allow', code: null }],
    ['x-api-key', { 'x-api-key': SECRET }, { kind: 'allow', code: null }],
    ['lower-case bearer', { authorization: `bearer ${SECRET}` }, { kind: 'allow', code: null }],
    [
      'unknown agent header',
      { 'x-api-key': SECRET, 'x-agent-id': 'agt_other' },
      { kind: 'block', code: 'invalid_request', status: 400 },
    ],
    [
      'unknown team header',
      { 'x-api-key': SECRET, 'x-team-id': 'team_other' },
      { kind: 'block', code: 'invalid_request', status: 400 },
    ],
  ])('%s', (_name, headers, expected) => {
    expect(verdictOf(authenticateStep, ctxWith(headers as Record<string, string>))).toEqual(
      expected,
    );
  });

  it('fails closed without a verified active policy (no_active_policy)', () => {
    expect(verdictOf(authenticateStep, ctxWith({ 'x-api-key': SECRET }, null))).toEqual({
      kind: 'block',
      code: 'no_active_policy',
      status: 403,
    });
  });

  it('resolves the agent, its team and environment from x-agent-id', () => {
    const ctx = ctxWith({ 'x-api-key': SECRET, 'x-agent-id': AGENT });
    authenticateStep.run(ctx);
    expect(ctx.principal).toMatchObject({
      agent_id: AGENT,
      team_id: TEAM,
      environment: 'production',
      plan: 'growth',
    });
    expect(ctx.policy?.policy_version).toBe(7);
  });
});
