import { COMPLIANCE_CHECKS } from './checks';
import { evaluateChecks, runCheck, scoreOf } from './evaluate';
import type { CheckId, CheckStatus, ComplianceInput, PolicyPatch } from './model';
import { applyPatch, diffOf, isEmptyPatch, type DiffEntry } from './patch';

export interface Remediation {
  /** The check it fixes is its id: one remediation per check. */
  id: CheckId;
  check_id: CheckId;
  article: string;
  title: string;
  patch: PolicyPatch;
  diff: DiffEntry[];
  status_before: CheckStatus;
  /** The check's status once applied: pass unless a criterion no patch can fix remains (a review, a fact). */
  status_after: CheckStatus;
  score_before: number;
  score_after: number;
}

/** Ids for what a preview adds; the registry uses its own when it applies. */
const previewIds = {
  now: '1970-01-01T00:00:00.000Z',
  newId: (prefix: string) => `${prefix}_preview`,
};

/** Each failing or partial check's remediation, when a patch can improve it. */
export function remediationsOf(input: ComplianceInput): Remediation[] {
  const before = evaluateChecks(input);
  const score_before = scoreOf(before);
  const out: Remediation[] = [];
  for (const check of COMPLIANCE_CHECKS) {
    const result = before.find((r) => r.id === check.id)!;
    if (result.status === 'pass' || result.status === 'not_applicable') continue;
    const patch = check.remedy(input);
    if (isEmptyPatch(patch)) continue;
    const after = { ...input, document: applyPatch(input.document, patch, previewIds) };
    out.push({
      id: check.id,
      check_id: check.id,
      article: check.article,
      title: check.title,
      patch,
      diff: diffOf(input.document, patch),
      status_before: result.status,
      status_after: runCheck(check, after).status,
      score_before,
      score_after: scoreOf(evaluateChecks(after)),
    });
  }
  return out;
}

export const remediationFor = (input: ComplianceInput, id: string): Remediation | undefined =>
  remediationsOf(input).find((r) => r.id === id);
