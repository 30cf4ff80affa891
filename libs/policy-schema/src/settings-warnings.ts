import type { GovernanceSettings } from './settings.schema';

/** A setting that is valid but cannot have the effect it names (answered beside the settings, never refused). */
export interface SettingsWarning {
  field: string;
  code: 'unreachable_cost_gate';
  message: string;
}

/**
 * Settings that contradict each other. The cost gate (chain step 13) only sees requests
 * step 9 admitted: with a threshold at or above the per-request limit or the daily budget,
 * every request it would hold is refused first, so it can never fire.
 */
export function settingsWarnings(s: GovernanceSettings): SettingsWarning[] {
  const gate = s.hitl_cost_threshold_usd;
  if (gate === null) return [];
  const warnings: SettingsWarning[] = [];
  const caps = [
    ['per_request_limit_usd', 'per-request limit', s.per_request_limit_usd],
    ['daily_budget_usd', 'daily budget', s.daily_budget_usd],
  ] as const;
  for (const [field, label, cap] of caps) {
    if (cap === null || gate < cap) continue;
    warnings.push({
      field: 'hitl_cost_threshold_usd',
      code: 'unreachable_cost_gate',
      message:
        `the cost gate of $${gate} can never fire: a request above the ${label} of $${cap} (${field}) ` +
        `is refused before it; set hitl_cost_threshold_usd below ${field}`,
    });
  }
  return warnings;
}
