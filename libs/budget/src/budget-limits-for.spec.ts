import { budgetLimitsFor, budgetsOf } from './budget-limits-for';
import { budgetDocument, principal } from './test-documents';

const now = new Date('2026-03-14T15:00:00.000Z');
const brief = (doc: ReturnType<typeof budgetDocument>, p = principal()) =>
  budgetLimitsFor(doc, p, now).map(
    (l) =>
      `${l.code} ${l.scope}:${l.scope_id} ${l.period}@${l.period_start.slice(0, 10)} ${l.limit_micro_usd} ${l.policy_id ?? '-'}`,
  );

describe('budgetLimitsFor', () => {
  it('given the starter defaults, then only the org daily budget ($10) applies without a session', () => {
    expect(brief(budgetDocument())).toEqual(['daily_budget org:org_a day@2026-03-14 10000000 -']);
  });

  it('given team and key budgets, then org → team → key daily budgets apply in that order', () => {
    const doc = budgetDocument({
      daily_budget_usd: 50,
      team_budgets: { team_t: 20, team_other: 1 },
      key_budgets: { gk_id_k: 5 },
    });
    expect(brief(doc)).toEqual([
      'daily_budget org:org_a day@2026-03-14 50000000 -',
      'daily_budget team:team_t day@2026-03-14 20000000 -',
      'daily_budget key:gk_id_k day@2026-03-14 5000000 -',
    ]);
  });

  it('given an unlimited org (null), then no org budget applies', () => {
    expect(brief(budgetDocument({ daily_budget_usd: null }))).toEqual([]);
  });

  it('given budget_limit rules, then those matching the principal apply (monthly and daily), others not', () => {
    const doc = budgetDocument({ daily_budget_usd: null }, [
      {
        id: 'pol_agent',
        scope: 'agent',
        agent_id: 'agt_x',
        config: { monthly_limit_usd: 500, daily_limit_usd: 25 },
      },
      { id: 'pol_other_agent', scope: 'agent', agent_id: 'agt_y' },
      { id: 'pol_team', scope: 'team', team_id: 'team_t', config: { monthly_limit_usd: 100 } },
      { id: 'pol_key', scope: 'key', key_id: 'gk_id_k', config: { daily_limit_usd: 2 } },
      { id: 'pol_global', scope: 'global', config: { monthly_limit_usd: 1000 } },
      { id: 'pol_disabled', scope: 'global', enabled: false },
      { id: 'pol_rate', policy_type: 'rate_limit', config: { requests_per_minute: 5 } },
    ]);
    expect(brief(doc)).toEqual([
      'budget_limit agent:agt_x month@2026-03-01 500000000 pol_agent',
      'budget_limit agent:agt_x day@2026-03-14 25000000 pol_agent',
      'budget_limit team:team_t month@2026-03-01 100000000 pol_team',
      'budget_limit key:gk_id_k day@2026-03-14 2000000 pol_key',
      'budget_limit org:org_a month@2026-03-01 1000000000 pol_global',
    ]);
  });

  it('given a request without an agent, then agent-scoped rules do not apply', () => {
    const doc = budgetDocument({ daily_budget_usd: null }, [{ scope: 'agent', agent_id: 'agt_x' }]);
    expect(brief(doc, principal({ agent_id: null }))).toEqual([]);
  });

  it('given a runner session, then the session budget applies last with its own code', () => {
    const limits = budgetLimitsFor(budgetDocument(), principal({ session_id: 'sess_1' }), now);
    expect(limits.map((l) => l.code)).toEqual(['daily_budget', 'runner_session_budget']);
    expect(limits[1]).toMatchObject({
      scope: 'session',
      scope_id: 'sess_1',
      period: 'session',
      limit_micro_usd: 5_000_000,
      label: 'runner session sess_1 budget',
    });
  });

  it('given user_budgets, then an end user gets its override, else the default; a request without one gets none', () => {
    const doc = budgetDocument({
      daily_budget_usd: null,
      user_budgets: { default_daily_usd: 2, overrides: { vip: 20, banned: 0 } },
    });
    expect(brief(doc, principal({ end_user: 'alice' }))).toEqual([
      'daily_budget user:alice day@2026-03-14 2000000 -',
    ]);
    expect(brief(doc, principal({ end_user: 'vip' }))).toEqual([
      'daily_budget user:vip day@2026-03-14 20000000 -',
    ]);
    expect(brief(doc, principal({ end_user: 'banned' }))).toEqual([
      'daily_budget user:banned day@2026-03-14 0 -',
    ]);
    expect(brief(doc, principal({ end_user: null }))).toEqual([]);
    expect(budgetLimitsFor(doc, principal({ end_user: 'alice' }), now)[0]!.label).toBe(
      'user alice daily budget',
    );
  });

  it('given only overrides (no default), then users without an override have no budget', () => {
    const doc = budgetDocument({
      daily_budget_usd: null,
      user_budgets: { overrides: { vip: 20 } },
    });
    expect(brief(doc, principal({ end_user: 'alice' }))).toEqual([]);
    expect(brief(doc, principal({ end_user: 'vip' }))).toHaveLength(1);
  });

  it('budgetsOf lists the default end-user budget as a template and each override', () => {
    const doc = budgetDocument({
      daily_budget_usd: null,
      runner_session_budget_usd: null,
      user_budgets: { default_daily_usd: 2, overrides: { vip: 20 } },
    });
    expect(
      budgetsOf(doc, now)
        .map((l) => `${l.scope}:${l.scope_id} ${l.limit_micro_usd}`)
        .sort(),
    ).toEqual(['user:* 2000000', 'user:vip 20000000']);
  });

  it('budgetsOf lists every budget the org configures, once each, the session budget as a template', () => {
    const doc = budgetDocument(
      { daily_budget_usd: 50, team_budgets: { team_t: 20 }, key_budgets: { gk_id_k: 5 } },
      [
        { id: 'pol_agent', scope: 'agent', agent_id: 'agt_x', config: { monthly_limit_usd: 500 } },
        { id: 'pol_team', scope: 'team', team_id: 'team_t', config: { daily_limit_usd: 10 } },
      ],
    );
    expect(
      budgetsOf(doc, now)
        .map((l) => `${l.code} ${l.scope}:${l.scope_id} ${l.period}`)
        .sort(),
    ).toEqual([
      'budget_limit agent:agt_x month',
      'budget_limit team:team_t day',
      'daily_budget key:gk_id_k day',
      'daily_budget org:org_a day',
      'daily_budget team:team_t day',
      'runner_session_budget session:* session',
    ]);
  });
});
