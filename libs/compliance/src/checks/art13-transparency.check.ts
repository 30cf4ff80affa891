import type { ComplianceCheck } from '../model';
import { fact, field } from '../policy-facts';

/** Art. 13: transparency towards the deployer — refusals cite the policy, model and provider recorded. */
export const art13Transparency: ComplianceCheck = {
  id: 'art13_transparency',
  article: 'Art. 13',
  title: 'Refusals attributed, model and provider recorded',
  why:
    "Art. 13 asks that deployers can interpret the system's output: " +
    'each refusal names the signed policy version, each answer its model and provider.',
  weight: 1,
  evidence({ document: { deployer }, facts }) {
    const r = facts.requests;
    return [
      fact(
        'product',
        'every refusal carries policy_attribution (version, signers, digest)',
        'built in',
        true,
      ),
      fact(
        'facts.requests',
        'every recorded request names its model and provider',
        r ?? 'unknown',
        r ? r.with_model_and_provider === r.recorded : null,
      ),
      field(
        'deployer.log_level',
        'the decision trace (step, code, policy version) of each request is kept',
        deployer.log_level,
        deployer.log_level !== 'minimal',
      ),
    ];
  },
  remedy({ document: { deployer } }) {
    return deployer.log_level === 'minimal' ? { deployer: { log_level: 'standard' } } : {};
  },
};
