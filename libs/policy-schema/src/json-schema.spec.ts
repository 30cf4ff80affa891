import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyDocumentJsonSchema } from './json-schema';

describe('policy document JSON Schema', () => {
  it('is current in libs/policy-schema/policy-document.schema.json (regenerate with scripts/generate-json-schema.ts)', () => {
    const committed = JSON.parse(
      readFileSync(join(__dirname, '..', 'policy-document.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(policyDocumentJsonSchema());
  });

  it('describes the three sections and forbids unknown fields', () => {
    const schema = policyDocumentJsonSchema() as {
      properties: Record<string, unknown>;
      additionalProperties: boolean;
      required: string[];
    };
    expect(schema.required).toEqual(
      expect.arrayContaining(['settings', 'rules', 'deployer', 'exceptions']),
    );
    expect(schema.additionalProperties).toBe(false);
  });
});
