import type { ComplianceCheck, PolicyPatch } from '../model';
import { fact, field } from '../policy-facts';

/**
 * Six months, rounded up to days: deployers keep the logs of a high-risk system at least six
 * months (Art. 26(6)), providers likewise (Art. 19(1)).
 */
export const MIN_RETENTION_DAYS = 183;

/** Art. 12: record-keeping — events logged with their decision, kept long enough, tamper-evident. */
export const art12RecordKeeping: ComplianceCheck = {
  id: 'art12_record_keeping',
  article: 'Art. 12',
  title: 'Audit log level, retention and chain',
  why:
    'Art. 12 requires automatic logging of events over the lifetime of a high-risk system; ' +
    'Art. 19 and 26(6) keep the logs at least six months.',
  weight: 2,
  evidence({ document: { deployer }, facts }) {
    return [
      field(
        'deployer.log_level',
        'log level keeps the decision of each request (standard or verbose)',
        deployer.log_level,
        deployer.log_level !== 'minimal',
      ),
      field(
        'deployer.retention_days',
        `audit retention is at least ${MIN_RETENTION_DAYS} days (six months)`,
        deployer.retention_days,
        deployer.retention_days >= MIN_RETENTION_DAYS,
      ),
      fact(
        'facts.audit.chain_verified',
        'the audit hash chain verifies',
        facts.audit?.chain_verified ?? 'unknown',
        facts.audit ? facts.audit.chain_verified : null,
      ),
    ];
  },
  remedy({ document: { deployer } }) {
    const patch: PolicyPatch['deployer'] = {};
    if (deployer.log_level === 'minimal') patch.log_level = 'standard';
    if (deployer.retention_days < MIN_RETENTION_DAYS) patch.retention_days = MIN_RETENTION_DAYS;
    return Object.keys(patch).length > 0 ? { deployer: patch } : {};
  },
};
