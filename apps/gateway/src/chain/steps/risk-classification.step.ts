import { block, configOf, rulesFor, type SyncChainStep, type Verdict } from '@llmgov/chain';
import { articleOfProhibited } from '@llmgov/policy-schema';

/**
 * Step 3: purpose → risk tier (deployer `risk_tier_defaults`). Prohibited (EU AI Act Art. 5)
 * is refused; high-risk (Annex III) needs `purpose` and `user_consent_id`; a purpose
 * outside `allowed_purposes`, or outside the purposes declared for the agent
 * (`agent_purposes`), is refused; `required_fields` rules name what must be sent.
 */
export const riskClassificationStep: SyncChainStep = {
  id: 'risk_classification',
  run(ctx): Verdict {
    const { deployer } = ctx.policy!.document;
    const meta = ctx.meta!;
    const purpose = meta.purpose;
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
    const declared = ctx.principal!.agent_id
      ? deployer.agent_purposes?.[ctx.principal!.agent_id]
      : undefined;
    if (declared && !declared.includes(purpose ?? '')) {
      return block(
        purpose ? 'risk_prohibited' : 'policy_required_fields_missing',
        403,
        `purpose '${purpose ?? ''}' is not declared for agent ${ctx.principal!.agent_id}`,
        {
          policy_type: 'agent_purposes',
          param: 'x-purpose',
          remediation: `Send x-purpose with one of: ${declared.join(', ')}`,
        },
      );
    }
    const tier = purpose ? (deployer.risk_tier_defaults[purpose] ?? null) : null;
    ctx.risk_tier = tier;
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
    for (const rule of rulesFor(ctx.policy!.document, 'required_fields', ctx.principal!)) {
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
    return tier ? { kind: 'allow', note: `risk tier ${tier}` } : { kind: 'allow' };
  },
};
