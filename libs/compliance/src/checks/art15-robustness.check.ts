import type { ContentCategory } from '@llmgov/policy-schema';
import type { ComplianceCheck, ComplianceInput, PolicyPatch } from '../model';
import { field } from '../policy-facts';

/** Categories every org blocks at least (the plan defaults). */
export const BASELINE_CONTENT_SAFETY: readonly ContentCategory[] = ['illegal', 'weapons'];
/** The per-key limit a remediation sets when nothing limits the request rate: the seed default. */
export const REMEDY_KEY_RPM = 60;

const scannerOk = ({ document: { settings } }: ComplianceInput) =>
  settings.security_scanner.enabled && settings.security_scanner.sensitivity !== 'low';
const missingCategories = ({ document: { settings } }: ComplianceInput) =>
  BASELINE_CONTENT_SAFETY.filter((c) => !settings.content_safety.includes(c));
const rateLimited = ({ document: { settings, rules } }: ComplianceInput) =>
  settings.rate_limit_rpm !== null ||
  settings.key_rpm !== null ||
  rules.some((r) => r.enabled && r.policy_type === 'rate_limit');

/** Art. 15: accuracy, robustness and cybersecurity — injection scanning, content safety, rate limits. */
export const art15Robustness: ComplianceCheck = {
  id: 'art15_robustness',
  article: 'Art. 15',
  title: 'Security scanner, content safety and rate limits',
  why:
    'Art. 15 requires resilience against attempts to alter use or behaviour (prompt ' +
    'injection, exfiltration) and against faults or abuse.',
  weight: 2,
  evidence(input) {
    const { settings } = input.document;
    return [
      field(
        'settings.security_scanner',
        'the security scanner is on at medium sensitivity or higher',
        settings.security_scanner,
        scannerOk(input),
      ),
      field(
        'settings.content_safety',
        `content safety blocks at least ${BASELINE_CONTENT_SAFETY.join(', ')}`,
        settings.content_safety,
        missingCategories(input).length === 0,
      ),
      field(
        'settings.rate_limit_rpm',
        'request rates are limited (org RPM, key RPM or a rate_limit rule)',
        { rate_limit_rpm: settings.rate_limit_rpm, key_rpm: settings.key_rpm },
        rateLimited(input),
      ),
    ];
  },
  remedy(input) {
    const { settings } = input.document;
    const patch: PolicyPatch['settings'] = {};
    if (!scannerOk(input))
      patch.security_scanner = {
        enabled: true,
        sensitivity: settings.security_scanner.sensitivity === 'high' ? 'high' : 'medium',
      };
    if (missingCategories(input).length > 0)
      patch.content_safety = [...settings.content_safety, ...missingCategories(input)];
    if (!rateLimited(input)) patch.key_rpm = REMEDY_KEY_RPM;
    return Object.keys(patch).length > 0 ? { settings: patch } : {};
  },
};
