import { z } from 'zod';
import { modelName } from './model-name';

export const riskTier = z.enum(['prohibited', 'high', 'limited', 'minimal']);
export type RiskTier = z.infer<typeof riskTier>;

/**
 * The deployer policy (meridian style, `/api/v1/policies`): eligible models, purposes,
 * safety floor, chain length, logging, retention, signers. `null` = no restriction.
 */
export const deployerPolicy = z
  .object({
    eligible_models: z.array(modelName).nullable(),
    allowed_providers: z.array(z.string().min(1)).nullable(),
    allowed_purposes: z.array(z.string().min(1)).nullable(),
    minimum_safety_score: z.number().min(0).max(1).nullable(),
    max_chain_length: z.number().int().positive().nullable(),
    free_tier_only: z.boolean(),
    log_level: z.enum(['minimal', 'standard', 'verbose']),
    retention_days: z.number().int().positive(),
    /** Purpose → risk tier (EU AI Act: Art. 5 prohibited, Annex III high). */
    risk_tier_defaults: z.record(z.string(), riskTier),
    /**
     * Agent id → the purposes that agent is deployed for (AI Act Art. 9 and 26: the deployer
     * knows what each system is used for). An agent listed here may send only these
     * `x-purpose` values; its risk tier is the highest tier of its purposes.
     */
    agent_purposes: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).optional(),
    /** Signature quorum: a version is active once this many signers signed it (0: at once). */
    required_signers: z.number().int().nonnegative(),
  })
  .strict();
export type DeployerPolicy = z.infer<typeof deployerPolicy>;
export const deployerPolicyPatch = deployerPolicy.partial().strict();
