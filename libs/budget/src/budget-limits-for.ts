import type { PolicyDocument, PolicyRule, RuleConfig } from '@llmgov/policy-schema';
import type { BudgetLimit, BudgetPrincipal, BudgetScope } from './budget-limit';
import type { BudgetPeriod } from './periods';
import { periodStartIso } from './periods';
import { usdToMicro } from './money';

/**
 * Every budget that applies to a request of `principal` at `now`, in checking order:
 * the org settings' daily org → team → key → end-user budgets (`daily_budget`), then enabled
 * `budget_limit` rules that match the principal (`budget_limit`; monthly and/or daily),
 * then the runner session budget (`runner_session_budget`). A request must fit all.
 */
export function budgetLimitsFor(
  document: PolicyDocument,
  principal: BudgetPrincipal,
  now: Date,
): BudgetLimit[] {
  const out: BudgetLimit[] = [];
  const { settings } = document;
  const org = principal.org_id;
  const make = (
    scope: BudgetScope,
    scope_id: string,
    period: BudgetPeriod,
    usd: number,
    code: BudgetLimit['code'],
    policy_id: string | null,
    label: string,
  ): BudgetLimit => ({
    org_id: org,
    scope,
    scope_id,
    period,
    period_start: periodStartIso(period, now),
    limit_micro_usd: usdToMicro(usd),
    code,
    policy_id,
    label,
  });

  if (settings.daily_budget_usd !== null)
    out.push(
      make('org', org, 'day', settings.daily_budget_usd, 'daily_budget', null, 'org daily budget'),
    );
  const team = principal.team_id ? settings.team_budgets[principal.team_id] : undefined;
  if (principal.team_id && team !== undefined)
    out.push(
      make(
        'team',
        principal.team_id,
        'day',
        team,
        'daily_budget',
        null,
        `team ${principal.team_id} daily budget`,
      ),
    );
  const key = settings.key_budgets[principal.key_id];
  if (key !== undefined)
    out.push(
      make(
        'key',
        principal.key_id,
        'day',
        key,
        'daily_budget',
        null,
        `key ${principal.key_id} daily budget`,
      ),
    );
  const user = principal.end_user ? userDailyUsd(settings, principal.end_user) : null;
  if (principal.end_user && user !== null)
    out.push(
      make(
        'user',
        principal.end_user,
        'day',
        user,
        'daily_budget',
        null,
        `user ${principal.end_user} daily budget`,
      ),
    );

  for (const rule of document.rules) {
    if (rule.policy_type !== 'budget_limit' || !rule.enabled) continue;
    const target = ruleTarget(rule, principal);
    if (!target) continue;
    const config = rule.config as RuleConfig<'budget_limit'>;
    const what = target.scope === 'org' ? 'org' : `${target.scope} ${target.id}`;
    if (config.monthly_limit_usd !== undefined) {
      out.push(
        make(
          target.scope,
          target.id,
          'month',
          config.monthly_limit_usd,
          'budget_limit',
          rule.id,
          `${what} monthly budget_limit '${rule.name}'`,
        ),
      );
    }
    if (config.daily_limit_usd !== undefined) {
      out.push(
        make(
          target.scope,
          target.id,
          'day',
          config.daily_limit_usd,
          'budget_limit',
          rule.id,
          `${what} daily budget_limit '${rule.name}'`,
        ),
      );
    }
  }

  if (principal.session_id && settings.runner_session_budget_usd !== null) {
    out.push(
      make(
        'session',
        principal.session_id,
        'session',
        settings.runner_session_budget_usd,
        'runner_session_budget',
        null,
        `runner session ${principal.session_id} budget`,
      ),
    );
  }
  return out;
}

/** An end user's daily budget in USD: its override, else the default; null when neither is set. */
export function userDailyUsd(settings: PolicyDocument['settings'], user: string): number | null {
  const b = settings.user_budgets;
  return b?.overrides?.[user] ?? b?.default_daily_usd ?? null;
}

/** Which counter a `budget_limit` rule caps for this principal, or null when it does not apply. */
function ruleTarget(
  rule: PolicyRule,
  p: BudgetPrincipal,
): { scope: BudgetScope; id: string } | null {
  switch (rule.scope) {
    case 'global':
      return { scope: 'org', id: p.org_id };
    case 'team':
      return p.team_id && rule.team_id === p.team_id ? { scope: 'team', id: p.team_id } : null;
    case 'agent':
      return p.agent_id && rule.agent_id === p.agent_id ? { scope: 'agent', id: p.agent_id } : null;
    case 'key':
      return rule.key_id === p.key_id ? { scope: 'key', id: p.key_id } : null;
    default: {
      const never: never = rule.scope;
      throw new Error(`unknown rule scope ${String(never)}`);
    }
  }
}

/**
 * Every budget an org's document configures, for `GET /budgets/status`: the org daily
 * budget, each team and key budget, each end-user override, the default end-user budget and
 * the runner session budget as templates (`scope_id: "*"`, one per user or session in
 * practice), and each enabled `budget_limit` rule on its target.
 */
export function budgetsOf(document: PolicyDocument, now: Date): BudgetLimit[] {
  const { settings } = document;
  const org = document.org_id;
  const all = new Map<string, BudgetLimit>();
  const add = (p: BudgetPrincipal) =>
    budgetLimitsFor(document, p, now).forEach((l) =>
      all.set(`${l.code}|${l.scope}|${l.scope_id}|${l.period}|${l.policy_id}`, l),
    );
  const none: BudgetPrincipal = {
    org_id: org,
    team_id: null,
    key_id: '',
    agent_id: null,
    session_id: null,
  };
  add({ ...none, session_id: '*' });
  for (const team_id of Object.keys(settings.team_budgets)) add({ ...none, team_id });
  for (const key_id of Object.keys(settings.key_budgets)) add({ ...none, key_id });
  if (settings.user_budgets?.default_daily_usd != null) add({ ...none, end_user: '*' });
  for (const end_user of Object.keys(settings.user_budgets?.overrides ?? {}))
    add({ ...none, end_user });
  for (const rule of document.rules) {
    if (rule.policy_type !== 'budget_limit') continue;
    add({ ...none, team_id: rule.team_id, key_id: rule.key_id ?? '', agent_id: rule.agent_id });
  }
  return [...all.values()];
}
