import { articleOfProhibited, type PolicyDocument, type RiskTier } from '@llmgov/policy-schema';
import {
  block,
  configOf,
  rulesFor,
  type Block,
  type Principal,
  type RequestMeta,
  type Verdict,
} from '@llmgov/chain';

/** Step 3's outcome: the risk tier (null: none, or refused before it is known) and the verdict. */
export interface RiskDecision {
  risk_tier: RiskTier | null;
  verdict: Verdict;
}

/** A purpose outside `allowed_purposes`, or outside the purposes declared for the agent. */
function purposeRefusal(doc: PolicyDocument, p: Principal, purpose: string | null): Block | null {
  const { deployer } = doc;
  if (deployer.allowed_purposes !== null) {
    if (!purpose) {
      return block(
        'policy_required_fields_missing',
        403,
        'A purpose is required by the deployer policy (x-purpose).',
        {
          policy_type: 'allowed_purposes',
          param: 'x-purpose',
          remediation: `Send x-purpose with one of: ${deployer.allowed_purposes.join(', ')}`,
        },
      );
    }
    if (!deployer.allowed_purposes.includes(purpose)) {
      return block('risk_prohibited', 403, `purpose '${purpose}' is not an allowed purpose`, {
        policy_type: 'allowed_purposes',
        param: 'x-purpose',
        remediation: `Use one of: ${deployer.allowed_purposes.join(', ')}`,
      });
    }
  }
  const declared = p.agent_id ? deployer.agent_purposes?.[p.agent_id] : undefined;
  if (declared && !declared.includes(purpose ?? '')) {
    return block(
      purpose ? 'risk_prohibited' : 'policy_required_fields_missing',
      403,
      `purpose '${purpose ?? ''}' is not declared for agent ${p.agent_id}`,
      {
        policy_type: 'agent_purposes',
        param: 'x-purpose',
        remediation: `Send x-purpose with one of: ${declared.join(', ')}`,
      },
    );
  }
  return null;
}

/** Prohibited and high-risk tiers, then `required_fields` rules. */
function tierRefusal(
  doc: PolicyDocument,
  p: Principal,
  meta: RequestMeta,
  tier: RiskTier | null,
): Block | null {
  const purpose = meta.purpose;
  if (tier === 'prohibited') {
    const article = articleOfProhibited(purpose!);
    return block(
      'risk_prohibited',
      403,
      `purpose '${purpose}' is a prohibited practice (${article})`,
      {
        policy_type: 'risk_classification',
        param: 'x-purpose',
        remediation: `Prohibited by ${article}; no policy can allow it for this org without changing risk_tier_defaults.`,
      },
    );
  }
  if (tier === 'high' && !meta.user_consent_id) {
    return block(
      'policy_required_fields_missing',
      403,
      `purpose '${purpose}' is high-risk (EU AI Act Annex III): user_consent_id is required`,
      {
        policy_type: 'risk_classification',
        param: 'x-user-consent-id',
        remediation: 'Send x-user-consent-id with the consent record of the end user.',
      },
    );
  }
  for (const rule of rulesFor(doc, 'required_fields', p)) {
    const missing = configOf(rule).fields.filter((f) => meta[f] === null);
    if (missing.length > 0) {
      return block(
        'policy_required_fields_missing',
        403,
        `missing required field(s): ${missing.join(', ')}`,
        {
          policy_id: rule.id,
          policy_type: 'required_fields',
          param: missing[0]!,
          remediation: `Send ${missing.map((f) => `x-${f.replace(/_/g, '-')}`).join(', ')}`,
        },
      );
    }
  }
  return null;
}

/**
 * Step 3: purpose → risk tier (deployer `risk_tier_defaults`). Prohibited (EU AI Act Art. 5)
 * is refused; high-risk (Annex III) needs `purpose` and `user_consent_id`; a purpose
 * outside `allowed_purposes`, or outside the purposes declared for the agent
 * (`agent_purposes`), is refused; `required_fields` rules name what must be sent.
 */
export function riskDecision(doc: PolicyDocument, p: Principal, meta: RequestMeta): RiskDecision {
  const refused = purposeRefusal(doc, p, meta.purpose);
  if (refused) return { risk_tier: null, verdict: refused };
  const tier = meta.purpose ? (doc.deployer.risk_tier_defaults[meta.purpose] ?? null) : null;
  const verdict: Verdict =
    tierRefusal(doc, p, meta, tier) ??
    (tier ? { kind: 'allow', note: `risk tier ${tier}` } : { kind: 'allow' });
  return { risk_tier: tier, verdict };
}
