import { MAX_EXCEPTION_DAYS, type PolicyException } from '@llmgov/policy-schema';
import type { ComplianceCheck } from '../model';
import { field } from '../policy-facts';

const DAY_MS = 24 * 60 * 60 * 1000;
const latestExpiry = (e: PolicyException) => Date.parse(e.created_at) + MAX_EXCEPTION_DAYS * DAY_MS;
const unbounded = (exceptions: readonly PolicyException[]) =>
  exceptions.filter((e) => Date.parse(e.expires_at) > latestExpiry(e));

/** Art. 26: deployer obligations — a signed policy with a quorum, exceptions time-limited. */
export const art26DeployerObligations: ComplianceCheck = {
  id: 'art26_deployer_obligations',
  article: 'Art. 26',
  title: 'Signed policy with a quorum, time-limited exceptions',
  why:
    'Art. 26 makes the deployer answerable for using the system as instructed, under people with the ' +
    'competence and authority to decide: named signers and bounded exemptions.',
  weight: 2,
  evidence({ document: { deployer, exceptions } }) {
    const long = unbounded(exceptions);
    return [
      field(
        'deployer.required_signers',
        'each policy version needs at least one signer (quorum ≥ 1)',
        deployer.required_signers,
        deployer.required_signers >= 1,
      ),
      field(
        'exceptions',
        `every exception expires within ${MAX_EXCEPTION_DAYS} days of its creation`,
        { exceptions: exceptions.length, too_long: long.map((e) => e.id) },
        long.length === 0,
      ),
    ];
  },
  remedy({ document: { deployer, exceptions } }) {
    return {
      ...(deployer.required_signers < 1 ? { deployer: { required_signers: 1 } } : {}),
      ...(unbounded(exceptions).length > 0
        ? {
            exceptions: exceptions.map((e) =>
              Date.parse(e.expires_at) > latestExpiry(e)
                ? { ...e, expires_at: new Date(latestExpiry(e)).toISOString() }
                : e,
            ),
          }
        : {}),
    };
  },
};
