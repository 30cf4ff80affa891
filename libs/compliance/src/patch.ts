import type { PolicyDocument } from '@llmgov/policy-schema';
import type { PolicyPatch } from './model';

/** One changed path of the document: `settings.pii_patterns`, `deployer.log_level`, `rules[+]`, `exceptions`. */
export interface DiffEntry {
  path: string;
  before: unknown;
  after: unknown;
}

export interface PatchContext {
  now: string;
  newId: (prefix: string) => string;
}

/** The document with the patch applied (a new object; the input is not changed). */
export function applyPatch(
  document: PolicyDocument,
  patch: PolicyPatch,
  ctx: PatchContext,
): PolicyDocument {
  const doc = structuredClone(document);
  doc.settings = { ...doc.settings, ...structuredClone(patch.settings ?? {}) };
  doc.deployer = { ...doc.deployer, ...structuredClone(patch.deployer ?? {}) };
  for (const draft of patch.add_rules ?? []) {
    doc.rules.push({
      id: ctx.newId('pol'),
      description: null,
      enabled: true,
      created_at: ctx.now,
      updated_at: ctx.now,
      ...structuredClone(draft),
    });
  }
  if (patch.exceptions) doc.exceptions = structuredClone(patch.exceptions);
  return doc;
}

/** What the patch changes in the document, field by field (unchanged fields left out). */
export function diffOf(document: PolicyDocument, patch: PolicyPatch): DiffEntry[] {
  const out: DiffEntry[] = [];
  const compare = (path: string, before: unknown, after: unknown) => {
    if (JSON.stringify(before) !== JSON.stringify(after))
      out.push({ path, before: before ?? null, after });
  };
  for (const [k, v] of Object.entries(patch.settings ?? {}))
    compare(`settings.${k}`, document.settings[k as keyof typeof document.settings], v);
  for (const [k, v] of Object.entries(patch.deployer ?? {}))
    compare(`deployer.${k}`, document.deployer[k as keyof typeof document.deployer], v);
  for (const rule of patch.add_rules ?? [])
    out.push({ path: 'rules[+]', before: null, after: rule });
  if (patch.exceptions) compare('exceptions', document.exceptions, patch.exceptions);
  return out;
}

export const isEmptyPatch = (patch: PolicyPatch): boolean =>
  Object.keys(patch.settings ?? {}).length === 0 &&
  Object.keys(patch.deployer ?? {}).length === 0 &&
  (patch.add_rules ?? []).length === 0 &&
  !patch.exceptions;
