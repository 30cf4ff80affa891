import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildAsyncApi } from './asyncapi';

/** `npm run asyncapi`: writes docs/asyncapi.yaml (checked in; a test keeps it current). */
const file = join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi.yaml');
writeFileSync(file, stringify(buildAsyncApi('1.0.0'), { lineWidth: 0 }));
process.stdout.write(`wrote ${file}\n`);
