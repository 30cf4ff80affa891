import { TIER_ORDER, type PolicyDocument } from '@llmgov/policy-schema';
import {
  block,
  configOf,
  exceptionFor,
  rulesFor,
  type Block,
  type Principal,
  type ResolvedModel,
} from '@llmgov/chain';

const listed = (list: readonly string[], m: ResolvedModel): boolean =>
  list.includes(m.id) || list.includes(`${m.provider}/${m.upstreamModel}`);

/**
 * Step 7 for one model: `model_allowlist` rules, the settings allowlist (all / tier /
 * explicit), the deployer's eligible models, and free vs paid tier (the principal's plan, i.e.
 * the org's, or `free_tier_only`). A live model exception covering the principal lifts them.
 */
export function modelRefusal(
  doc: PolicyDocument,
  p: Principal,
  m: ResolvedModel,
  now: Date,
): Block | null {
  if (exceptionFor(doc, 'model', m.id, p, now)) return null;
  for (const rule of rulesFor(doc, 'model_allowlist', p)) {
    const allowed = configOf(rule).allowed_models;
    if (!listed(allowed, m)) {
      return block('model_allowlist', 403, `model '${m.id}' is not in the allowed list`, {
        policy_id: rule.id,
        policy_type: 'model_allowlist',
        remediation: `Use one of: ${allowed.join(', ')}`,
      });
    }
  }
  const al = doc.settings.model_allowlist;
  if (al.mode === 'explicit' && !listed(al.models, m)) {
    return block('model_allowlist', 403, `model '${m.id}' is not in the allowed list`, {
      policy_type: 'model_allowlist',
      remediation: `Use one of: ${al.models.join(', ')}`,
    });
  }
  if (al.mode === 'tier' && (!m.entry || TIER_ORDER[m.entry.tier] > TIER_ORDER[al.max_tier])) {
    return block(
      'model_allowlist',
      403,
      `model '${m.id}' is above the allowed cost tier '${al.max_tier}'${m.entry ? '' : ' (uncatalogued: tier unknown)'}`,
      {
        policy_type: 'model_allowlist',
        remediation: `Use a model of tier ${al.max_tier} or below.`,
      },
    );
  }
  const eligible = doc.deployer.eligible_models;
  if (eligible !== null && !listed(eligible, m)) {
    return block(
      'model_allowlist',
      403,
      `model '${m.id}' is not an eligible model of the deployer policy`,
      { policy_type: 'eligible_models', remediation: `Use one of: ${eligible.join(', ')}` },
    );
  }
  if ((p.plan === 'free' || doc.deployer.free_tier_only) && !m.entry?.free) {
    return block(
      'paid_model_on_free_tier',
      403,
      `model '${m.id}' is a paid model; this ${p.plan === 'free' ? 'plan' : 'policy'} allows free-tier models only`,
      {
        policy_type: p.plan === 'free' ? 'plan' : 'free_tier_only',
        remediation: 'Use a free-tier model such as gpt-4o-mini or mock/echo.',
      },
    );
  }
  return null;
}
