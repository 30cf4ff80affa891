import { z } from 'zod';
import { governanceSettings } from './settings.schema';
import { policyRule } from './rules.schema';
import { deployerPolicy } from './deployer.schema';
import { policyException } from './exceptions.schema';

/**
 * The one policy document per org (ARCHITECTURE.md "The policy document"). The three
 * route families of CONTRACT.md are views over it; each change is a new version.
 */
export const policyDocument = z
  .object({
    org_id: z.string(),
    plan: z.enum(['free', 'starter', 'growth', 'enterprise']),
    settings: governanceSettings,
    rules: z.array(policyRule),
    deployer: deployerPolicy,
    exceptions: z.array(policyException),
  })
  .strict();
export type PolicyDocument = z.infer<typeof policyDocument>;

/**
 * What a gateway enforces: one verified, active version of an org's document with what a
 * refusal must cite (CONTRACT.md `policy_attribution`).
 */
export interface ActivePolicy {
  org_id: string;
  /** `pdoc_…`: the org's policy document id. */
  policy_id: string;
  /** `pv_…`: this version's id. */
  version_id: string;
  policy_version: number;
  digest: string;
  signed_by: string[];
  effective_date: string;
  document: PolicyDocument;
}
