import { z } from 'zod';
import { envelope } from './envelope';
import { actor } from './common';

/**
 * A compliance remediation applied to an org's policy document (issue 13): which check of
 * which model version it fixes, the version it made (a draft when a signer quorum is
 * required), the fields it changed and the score before and after. Published on the policy
 * topic, in the same outbox transaction as the version, so audit records it beside it.
 */
export const ComplianceRemediationApplied = envelope(
  'compliance.remediation.applied',
  z.object({
    org_id: z.string(),
    remediation_id: z.string(),
    check_id: z.string(),
    /** The article of Regulation (EU) 2024/1689 the check is tied to (`Art. 14`). */
    article: z.string(),
    model_version: z.string(),
    version_id: z.string(),
    policy_version: z.number().int().positive(),
    status: z.enum(['draft', 'active']),
    diff: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })),
    score_before: z.number().min(0).max(100),
    score_after: z.number().min(0).max(100),
    actor,
  }),
);
