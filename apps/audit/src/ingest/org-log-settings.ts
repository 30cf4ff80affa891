import type { EnvelopeBase } from '@llmgov/events';
import { deployerPolicy } from '@llmgov/policy-schema';
import { z } from 'zod';
import type { LogLevel } from '../chain/log-level';

export interface OrgLogSettings {
  log_level: LogLevel;
  retention_days: number;
  policy_version: number;
}

/**
 * What an active `policy.published` says about the org's log: `deployer.log_level` and
 * `deployer.retention_days` of the compiled document. Drafts and superseded versions
 * change nothing; a document without a valid deployer part is ignored (the registry
 * validates documents; the audit logs whatever arrives).
 */
/** The two deployer fields the audit needs (the rest of the document may be of any later shape). */
const logPart = z.object({
  log_level: deployerPolicy.shape.log_level,
  retention_days: deployerPolicy.shape.retention_days,
});

export function orgLogSettings(event: EnvelopeBase): OrgLogSettings | null {
  if (event.type !== 'policy.published') return null;
  const data = event.data as {
    status?: string;
    policy_version?: number;
    document?: { deployer?: unknown };
  };
  if (data.status !== 'active' || typeof data.policy_version !== 'number') return null;
  const deployer = logPart.safeParse(data.document?.deployer);
  if (!deployer.success) return null;
  return { ...deployer.data, policy_version: data.policy_version };
}
