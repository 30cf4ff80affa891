import { z } from 'zod';
import { policyDocument } from './document.schema';

/**
 * The policy document as JSON Schema (draft 2020-12), for users' editors and CI checks.
 * Refinements that JSON Schema cannot say (model names resolving in the catalogue, a
 * rule's config matching its type) are enforced by the API only.
 */
export function policyDocumentJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://llmgov.dev/schemas/policy-document.schema.json',
    title: 'Policy document',
    ...z.toJSONSchema(policyDocument, { unrepresentable: 'any' }),
  };
}
