import type { PiiPattern } from '@llmgov/policy-schema';
import type { ComplianceCheck, PolicyPatch } from '../model';
import { field, noneListed } from '../policy-facts';

/** Secrets and identifiers that must never reach a model as they are (blocked or redacted). */
export const SENSITIVE_PATTERNS: readonly PiiPattern[] = [
  'api_key',
  'password',
  'ssn',
  'credit_card',
  'jwt',
  'private_key',
  'iban',
];

/** Art. 10: data governance — PII scanning on, sensitive patterns blocked or redacted. */
export const art10DataGovernance: ComplianceCheck = {
  id: 'art10_data_governance',
  article: 'Art. 10',
  title: 'PII scanning on, sensitive patterns blocked or redacted',
  why:
    'Art. 10 asks for data governance suited to the purpose, including the protection ' +
    'of personal data flowing into the system.',
  weight: 2,
  evidence({ document: { settings } }) {
    const weak = SENSITIVE_PATTERNS.filter(
      (p) => !['block', 'redact'].includes(settings.pii_patterns[p] ?? settings.pii_action),
    );
    return [
      field(
        'settings.pii_scanning_enabled',
        'PII scanning is on',
        settings.pii_scanning_enabled,
        settings.pii_scanning_enabled,
      ),
      noneListed(
        'settings.pii_patterns',
        `${SENSITIVE_PATTERNS.join(', ')} are blocked or redacted`,
        { warn_or_off: weak },
      ),
    ];
  },
  remedy({ document: { settings } }) {
    const patch: PolicyPatch['settings'] = {};
    if (!settings.pii_scanning_enabled) patch.pii_scanning_enabled = true;
    const weak = SENSITIVE_PATTERNS.filter(
      (p) => !['block', 'redact'].includes(settings.pii_patterns[p] ?? settings.pii_action),
    );
    if (weak.length > 0)
      patch.pii_patterns = {
        ...settings.pii_patterns,
        ...Object.fromEntries(weak.map((p) => [p, 'block' as const])),
      };
    return Object.keys(patch).length > 0 ? { settings: patch } : {};
  },
};
