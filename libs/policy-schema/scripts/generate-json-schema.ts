import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyDocumentJsonSchema } from '../src/json-schema';

/** `node -r ./tools/register.cjs libs/policy-schema/scripts/generate-json-schema.ts` */
const target = join(__dirname, '..', 'policy-document.schema.json');
writeFileSync(target, `${JSON.stringify(policyDocumentJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
