import { z } from 'zod';
import { policyDocument } from '@llmgov/policy-schema';
import { envelope, isoTime } from './envelope';
import { defineTopic } from './topic';
import { actor } from './common';
import { ComplianceRemediationApplied } from './compliance.events';

export const signature = z.object({
  signer: z.string(),
  signer_key_id: z.string(),
  /** base64 Ed25519 signature over the canonical version (see policy-schema `canonicalize`). */
  signature: z.string(),
  signed_at: isoTime,
});

/**
 * A new version of an org's policy document. Carries the full compiled document, its
 * canonical digest and signatures, so a gateway verifies and loads it without calling
 * the registry. Published for every version; only `status: "active"` is enforced.
 */
export const PolicyPublished = envelope(
  'policy.published',
  z.object({
    org_id: z.string(),
    policy_id: z.string(),
    version_id: z.string(),
    policy_version: z.number().int().positive(),
    status: z.enum(['draft', 'active', 'superseded']),
    digest: z.string().startsWith('sha256:'),
    signatures: z.array(signature),
    required_signers: z.number().int().nonnegative(),
    /** Signers' Ed25519 public keys (base64 SPKI DER) by signer_key_id, for verification. */
    signer_keys: z.record(z.string(), z.string()),
    effective_date: isoTime,
    /**
     * The compiled policy document, typed by `@llmgov/policy-schema`'s schema: a consumer
     * receives it parsed (an event whose document does not parse is dead-lettered).
     */
    document: policyDocument,
    actor,
    /** Why this version was made (`settings_changed`, `rule_created`, `exception_created`, …), for the audit trail. */
    change: z.looseObject({ kind: z.string() }).optional(),
  }),
);

const ruleChange = z.object({
  org_id: z.string(),
  rule_id: z.string(),
  policy_type: z.string(),
  policy_version: z.number().int().positive(),
  rule: z.record(z.string(), z.unknown()).nullable(),
  actor,
});
export const PolicyRuleCreated = envelope('policy.rule.created', ruleChange);
export const PolicyRuleUpdated = envelope('policy.rule.updated', ruleChange);
export const PolicyRuleDeleted = envelope('policy.rule.deleted', ruleChange);
export const PolicySigned = envelope(
  'policy.signed',
  z.object({
    org_id: z.string(),
    version_id: z.string(),
    policy_version: z.number().int(),
    signer: z.string(),
    actor,
  }),
);
export const PolicySignerRegistered = envelope(
  'policy.signer.registered',
  z.object({
    org_id: z.string(),
    signer: z.string(),
    signer_key_id: z.string(),
    public_key: z.string(),
    /** `pending` under a signer quorum until its signers approve the key; absent = `active`. */
    status: z.enum(['active', 'pending']).optional(),
    actor,
  }),
);

/** The policy document of each org, its versions, rules and signatures. Key: the org id. */
export const policyTopic = defineTopic(
  'governance.policy.v1',
  'Policy document versions (compiled, digested, signed), typed-rule changes and compliance remediations applied.',
  'org_id',
  [
    'policy.published',
    'policy.rule.created',
    'policy.rule.updated',
    'policy.rule.deleted',
    'policy.signed',
    'policy.signer.registered',
    'compliance.remediation.applied',
  ],
  z.discriminatedUnion('type', [
    PolicyPublished,
    PolicyRuleCreated,
    PolicyRuleUpdated,
    PolicyRuleDeleted,
    PolicySigned,
    PolicySignerRegistered,
    ComplianceRemediationApplied,
  ]),
);
